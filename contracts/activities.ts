import type { CallProgram } from '../core/program/program.js';
import type { OperatorName } from '../core/task/search-spec.js';
import type { ProgramRef } from './distill.js';
import type { StoredPurpose } from './purposes.js';
import type { FitnessModel, Stage } from './values.js';

/**
 * Heartbeat timeout of every activity the engine schedules: an activity whose worker died is
 * retried once this long has passed without a heartbeat. Workers heartbeat every
 * HEARTBEAT_EVERY_MS from a timer, so a healthy activity would have to miss four beats in a row.
 */
export const ACTIVITY_HEARTBEAT_TIMEOUT_MS = 10_000;
/** How often a running activity heartbeats, and how often its worker passes that on to the server. */
export const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Inputs of the activities the engine schedules most. They are recorded in histories and read by
 * workers of any version, so their shapes only grow.
 */

/** A model by its role in the task, or by name (`production` and `model` both name one). */
export type ModelRole = 'dev' | 'meta' | 'teacher' | 'student' | { production: string } | { model: string };

export interface EvaluateInput {
  runId: string;
  generation: number;
  hash: string;
  role: ModelRole;
  exampleIds: string[];
  /** Recorded with the spend, in the stored format (`encodePurpose`). */
  purpose: StoredPurpose;
  /** Several samples per input and a majority vote instead of one greedy call. */
  program?: CallProgram;
}

/** Members' validation scores, read back from storage (no model call): see `Member.stored`. */
export interface ValidationScoresInput {
  runId: string;
  role: ModelRole;
  hashes: string[];
}

/** Each member's scores in the order of the run's validation split; null when any is missing. */
export interface ValidationScores {
  hash: string;
  scores: number[] | null;
}

export interface ProposeInput {
  runId: string;
  generation: number;
  operator: OperatorName;
  parentHashes: string[];
  /** Seeds the operator's own choices and the meta call, so a retry proposes the same child. */
  seed: number;
  /**
   * The generation's screening minibatch: failures on these come first in what the meta model is
   * shown, since beating the parent there is what the child is screened on.
   */
  focusIds?: string[];
  /** Distillation: failures are the student's and demos come from the teacher's traces. */
  stage?: Stage;
  fitness?: FitnessModel;
  teacher?: ProgramRef;
}
