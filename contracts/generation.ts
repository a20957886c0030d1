import { defineQuery } from '@temporalio/workflow';
import type { OperatorCredit } from '../core/operators/adaptive-mix.js';
import type { RngState } from '../core/rng.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { ProgramRef } from './distill.js';
import type { Budget, FitnessModel, Member, Spend, Stage } from './values.js';

/** The generation workflow (`generationWorkflow`, id `run-<runId>-gen-NNN` or `run-<runId>-distill-gen-NNN`). */
export type GenerationWorkflow = (input: GenerationInput | LegacyGenerationInput) => Promise<GenerationResult>;

/**
 * What a generation is: the run's own evolution (on the dev model, demos from train), or a round
 * of distillation (on the student, with demos from the teacher's passing traces; its calls,
 * candidates and generation are stored as distillation's).
 */
export type GenerationMode = { kind: 'evolve' } | { kind: 'distill'; fitness: { model: string }; teacher: ProgramRef };

export interface GenerationInput {
  runId: string;
  generation: number;
  spec: TaskSpec;
  mode: GenerationMode;
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
  /**
   * Children of earlier generations that beat their parent on a screen but were not validated,
   * best first: validated with what is left when the budget ends the search.
   */
  runnersUp?: Member[];
  rngState: RngState;
  budget: Budget;
  /** Calls kept back for what must follow the search (scoring the seed and the best on test). */
  reserveCalls: number;
  /** Operators' screening success in earlier generations (adaptive operator selection). */
  operatorCredit?: OperatorCredit;
  spend: Spend;
}

/**
 * The input as generations were started before `mode` (still in running workflows' histories):
 * evolve on the dev model unless `stage` says distill, with the student as `fitness`.
 */
export type LegacyGenerationInput = Omit<GenerationInput, 'mode'> & {
  stage?: Stage;
  fitness?: FitnessModel;
  teacher?: ProgramRef;
};

/** Either shape, as recorded in a history, to the current one; throws on a distill input without its models. */
export function decodeGenerationInput(input: GenerationInput | LegacyGenerationInput): GenerationInput {
  if ('mode' in input && input.mode) return input;
  const { stage, fitness, teacher, ...rest } = input as LegacyGenerationInput;
  if (stage !== 'distill') {
    if (fitness !== undefined && fitness !== 'dev') {
      throw new Error(`generation ${input.generation} of run ${input.runId}: fitness model without stage "distill"`);
    }
    return { ...rest, mode: { kind: 'evolve' } };
  }
  if (!teacher || !fitness || fitness === 'dev') {
    throw new Error(
      `generation ${input.generation} of run ${input.runId}: stage "distill" needs a student fitness model and a teacher`,
    );
  }
  return { ...rest, mode: { kind: 'distill', fitness, teacher } };
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

export interface GenerationResult {
  population: Member[];
  rngState: RngState;
  /** What is left of the shuffled pass over the screening examples, for the next generation. */
  screenQueue: string[];
  /** Screened winners still not validated, for the next generation (absent in results recorded before them). */
  runnersUp?: Member[];
  stats: GenerationStats;
  /** operatorCredit with this generation's screen added. */
  operatorCredit: OperatorCredit;
  /** Run totals read from the ledger when the generation was recorded. */
  spend: Spend;
  /** The same per model; empty when the generation stopped before recording (budget). */
  spendByModel: Record<string, Spend>;
  budgetExhausted: boolean;
}

/** What a generation is doing, for the `progress` query. */
export type GenerationStep = 'proposing' | 'screening' | 'evaluating' | 'selecting';

export interface GenerationProgress {
  generation: number;
  step: GenerationStep;
  evaluationsDone: number;
  evaluationsTotal: number;
}
export const progressQuery = defineQuery<GenerationProgress>('progress');
