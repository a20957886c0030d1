import type { OperatorCredit } from '../operators/adaptive-mix.js';
import type { RngState } from '../rng.js';
import type { BudgetSpec, OperatorName } from '../task/search-spec.js';
import type { TaskSpec } from '../task/spec-schema.js';

/**
 * The small values that travel between client, workflows and activities. Genomes and examples
 * stay in PostgreSQL; histories carry ids, hashes and score vectors only.
 */

export interface RunInput {
  runId: string;
  spec: TaskSpec;
  /** Absolute path of the dataset file, readable by the workers. */
  datasetPath: string;
  /** Where the spec came from, for messages. */
  taskFile: string;
}

export interface PreparedRun {
  /** Screening minibatches are drawn from these (absent in runs prepared before train screening). */
  trainIds?: string[];
  valIds: string[];
  testIds: string[];
  trainCount: number;
}

export interface Member {
  hash: string;
  operator: string;
  parents: string[];
  /** Mean validation score. */
  score: number;
  /** Per-example validation scores, aligned with PreparedRun.valIds. */
  scores: number[];
}

export interface Spend {
  calls: number;
  cachedCalls: number;
  tokens: number;
  costUsd: number;
}

export const zeroSpend: Spend = { calls: 0, cachedCalls: 0, tokens: 0, costUsd: 0 };

/** Later snapshots of run totals are never smaller: activities report totals read from the ledger. */
export function maxSpend(a: Spend, b: Spend): Spend {
  return {
    calls: Math.max(a.calls, b.calls),
    cachedCalls: Math.max(a.cachedCalls, b.cachedCalls),
    tokens: Math.max(a.tokens, b.tokens),
    costUsd: Math.max(a.costUsd, b.costUsd),
  };
}

export type ProposalResult =
  | { status: 'created'; hash: string; operator: OperatorName | 'seed'; parents: string[]; spend: Spend }
  | { status: 'rejected'; operator: OperatorName; reason: string; spend: Spend }
  /** The operator had nothing to work on (no failures to reflect on, no passing traces): no call was made. */
  | { status: 'skipped'; operator: OperatorName; reason: string; spend: Spend };

export interface EvaluationResult {
  hash: string;
  model: string;
  /** Scores aligned with the requested example ids. */
  scores: number[];
  mean: number;
  spend: Spend;
}

export interface GenerationStats {
  generation: number;
  proposed: number;
  rejected: number;
  /** Slots whose operator had nothing to work on and were drawn again. */
  skipped?: number;
  screened: number;
  promoted: number;
  bestHash: string;
  bestScore: number;
  meanScore: number;
  operators: Record<string, number>;
}

/** A failed run is not a status the workflow returns: it fails with the root cause, recorded in PostgreSQL. */
export type RunStatus = 'running' | 'paused' | 'completed' | 'stopped' | 'budget_exhausted';

export type Budget = BudgetSpec;

/** Evolution proper, or evolution on the student during distillation. */
export type Stage = 'evolve' | 'distill';

/** The model a generation scores candidates on: the dev model, or a model by name. */
export type FitnessModel = 'dev' | { model: string };

export interface GenerationInput {
  runId: string;
  generation: number;
  spec: TaskSpec;
  /** Selection: every population member is scored on all of these. */
  valIds: string[];
  /** Screening: each generation's minibatch is drawn from these (the train split; validation when it is empty). */
  screenIds: string[];
  /** The rest of the current shuffled pass over `screenIds` (absent: start a new pass). */
  screenQueue?: string[];
  population: Member[];
  /**
   * Children made before the generation (generation 0: the seed with labeled train demos): they
   * take the first step's slots and are screened against their primary parent like any child.
   */
  starters?: Member[];
  rngState: RngState;
  budget: Budget;
  /** Calls kept back for what must follow the search (scoring the seed and the best on test). */
  reserveCalls: number;
  /** Operators' screening success in earlier generations (adaptive operator selection). */
  operatorCredit?: OperatorCredit;
  spend: Spend;
  /** Defaults: evolve, on the dev model. */
  stage?: Stage;
  fitness?: FitnessModel;
  /** Distillation: demos come from the teacher's passing traces (this program on that model). */
  teacher?: { hash: string; model: string; program?: { samples: number; temperature: number } };
}

export interface GenerationResult {
  population: Member[];
  rngState: RngState;
  /** What is left of the shuffled pass over the screening examples, for the next generation. */
  screenQueue: string[];
  stats: GenerationStats;
  /** operatorCredit with this generation's screen added. */
  operatorCredit: OperatorCredit;
  /** Run totals read from the ledger when the generation was recorded. */
  spend: Spend;
  /** The same per model; empty when the generation stopped before recording (budget). */
  spendByModel: Record<string, Spend>;
  budgetExhausted: boolean;
}
