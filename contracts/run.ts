import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OperatorCredit } from '../core/operators/adaptive-mix.js';
import type { RngState } from '../core/rng.js';
import type { PairedComparison } from '../core/stats/paired-test.js';
import type { DistillResult, ProgramScore } from './distill.js';
import type { RunPhase } from './phases.js';
import type { Budget, Member, PreparedRun, RunInput, RunStatus, Spend } from './values.js';

/** The run workflow (`optimizationRun`, id `run-<runId>`): its signature, messages and result. */
export type OptimizationRunWorkflow = (input: RunInput, carried?: RunState) => Promise<RunResult>;

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Finish the current generation, then finalize with the best so far. */
export const stopSignal = defineSignal('stop');
/** Adds to the run's budget limits; answers with the limits afterwards. */
export const extendBudgetUpdate = defineUpdate<Budget, [Budget]>('extendBudget');
export const statusQuery = defineQuery<RunStatusView>('status');

export interface GenerationSummary {
  generation: number;
  bestHash: string;
  bestScore: number;
  meanScore: number;
  /** Run totals once this generation finished; per-generation spend is the difference to the previous one. */
  spend: Spend;
}

/** Everything the run needs to go on; carried across continue-as-new (so it is in histories). */
export interface RunState {
  phase: RunPhase;
  prepared?: PreparedRun;
  seedHash?: string;
  /** The seed with labeled train demos, in state carried over from runs prepared before labeledSeedHashes. */
  labeledSeedHash?: string;
  /** The seed's labeled variants (search.labeledDemos, search.labeledDraws), screened in generation 0. */
  labeledSeedHashes?: string[];
  /** Last finished generation; -1 before the initial population is evaluated. */
  generation: number;
  population: Member[];
  rngState: RngState;
  budget: Budget;
  spend: Spend;
  summaries: GenerationSummary[];
  paused: boolean;
  stopRequested: boolean;
  sinceImprovement: number;
  /** Bumped by every extendBudget, so a run waiting for more budget sees it arrive. */
  budgetVersion: number;
  spendByModel: Record<string, Spend>;
  /** Operators' screening success so far (adaptive operator selection); absent in runs started before it. */
  operatorCredit?: OperatorCredit;
  /** The rest of the current shuffled pass over train for screening minibatches. */
  screenQueue?: string[];
  /** Screened winners not validated yet, best first (GenerationInput.runnersUp); absent in runs carried before them. */
  runnersUp?: Member[];
  /**
   * The last generation found no room left in the budget (set at continue-as-new), so the next run
   * waits for an extension or finalizes as this one would have; absent in runs carried before it.
   */
  budgetExhausted?: boolean;
}

export interface RunStatusView {
  runId: string;
  task: string;
  status: RunStatus;
  phase: RunPhase;
  generation: number;
  generations: number;
  best?: { hash: string; score: number };
  meanScore?: number;
  spend: Spend;
  spendByModel: Record<string, Spend>;
  budget: Budget;
  population: { hash: string; score: number; operator: string }[];
  history: GenerationSummary[];
}

export interface ScoredProgram {
  hash: string;
  operator: string;
  /** Mean validation score; null only when the budget ran out before the seed was scored. */
  val: number | null;
  /** Held-out test score; the seed's and the best's are always measured (their calls are reserved), others' may be null. */
  test: number | null;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  baseline: ScoredProgram;
  best: ScoredProgram;
  /** Whether the best's advantage over the seed on the validation examples is significant (paired, one-sided). */
  winner: PairedComparison & { verdict: string };
  finalists: ScoredProgram[];
  generations: number;
  modelCalls: number;
  cachedCalls: number;
  tokens: number;
  costUsd: number;
  /** Paid and cached calls, tokens and dollars per model. */
  spendByModel: Record<string, Spend>;
  history: GenerationSummary[];
  /** The seed and the finalists on the test split per production model (empty when the budget ran out first). */
  production: ProgramScore[];
  /** Present when the task has a `distill` section. */
  distill?: DistillResult;
}
