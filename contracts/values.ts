import type { OperatorName } from '../core/task/search-spec.js';
import type { TaskSpec } from '../core/task/spec-schema.js';

/**
 * The small values every boundary carries. Spend, budgets and population members are core's own
 * (the engine computes with them) and are re-exported here so callers need one import.
 */
export { maxSpend, zeroSpend, type Budget, type Member, type Spend } from '../core/engine/types.js';
import type { Spend } from '../core/engine/types.js';

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

/** A failed run is not a status the workflow returns: it fails with the root cause, recorded in PostgreSQL. */
export type RunStatus = 'running' | 'paused' | 'completed' | 'stopped' | 'budget_exhausted';

/** Evolution proper, or evolution on the student during distillation (`candidates.stage`, `generations.stage`). */
export type Stage = 'evolve' | 'distill';

/** The model a generation scores candidates on: the dev model, or a model by name. */
export type FitnessModel = 'dev' | { model: string };

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
