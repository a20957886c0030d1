import type { DistillConfig } from '../core/engine/distill-plan.js';
import type { CallProgram } from '../core/program/program.js';
import type { Budget, Spend } from './values.js';

/** The distillation workflow (`distillWorkflow`, id `run-<runId>-distill`): input and result. */
export type DistillWorkflow = (input: DistillInput) => Promise<DistillResult>;

export interface DistillInput {
  runId: string;
  /** The program the teacher runs (the run's winner, unless chosen). */
  teacherHash: string;
  config: DistillConfig;
  /**
   * The run's own limits on run totals, used when `config.budget` sets none: distillation inside
   * a run stays within the run's budget unless it has one of its own.
   */
  runBudget?: Budget;
}

/** A program on a model (the model's name in the task), e.g. distillation's teacher. */
export interface ProgramRef {
  hash: string;
  model: string;
  program?: CallProgram;
}

/** A program's figures on a split, as stored in `program_scores`. */
export interface ProgramScore {
  hash: string;
  /** Evaluation label: the model name, or model:vote<n>@t<temperature>. */
  model: string;
  split: string;
  examples: number;
  accuracy: number;
  promptTokensPerCall: number;
  completionTokensPerCall: number;
  latencyMsMean: number;
  latencyMsP95: number;
  costPer1kUsd: number;
}

export interface DistilledTeacher {
  hash: string;
  model: string;
  /** How the teacher answers: one direct call, or think-then-answer and/or a vote over samples. */
  program: string;
  /** On the test split; absent when the budget ran out first. */
  test?: ProgramScore;
}

export interface DistilledStudent {
  hash: string;
  model: string;
  program: string;
  /** Validation accuracy: the threshold is checked on validation. */
  valAccuracy: number;
  test?: ProgramScore;
}

/** Why a distillation ended. */
export type DistillEnding = 'threshold_met' | 'max_rounds' | 'budget_exhausted';

export interface DistillResult {
  runId: string;
  thresholdMet: boolean;
  threshold: number;
  teacher: DistilledTeacher;
  student: DistilledStudent;
  /** Validation accuracy of the teacher's program unchanged on the student, before any distillation. */
  studentBaselineVal: number;
  /** Validation accuracy of the student seeded with the teacher's traces, before evolution. */
  studentBootstrappedVal: number;
  /** Passing teacher traces available as demos. */
  demoPool: number;
  /** Generations of evolution run on the student. */
  rounds: number;
  /** Why it ended: threshold_met | max_rounds | budget_exhausted. */
  ended: DistillEnding;
  /** What distillation itself spent (paid calls, cache hits, tokens, dollars). */
  spend: Spend;
}
