import { z } from 'zod';

export const OPERATOR_NAMES = [
  'mutate',
  'crossover',
  'differential',
  'reflect',
  'merge',
  'demo',
  'bootstrap',
  'prune',
] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

export const SELECTION_NAMES = ['elitism', 'tournament', 'pareto'] as const;
export type SelectionName = (typeof SELECTION_NAMES)[number];

const weight = z.number().nonnegative();

/**
 * Relative weights of each operator when a child is made; a zero weight turns an operator off. A
 * weight missing from a stored spec (a run started before that operator existed) counts as zero.
 */
export const operatorMixSchema = z
  .strictObject({
    mutate: weight.default(3),
    crossover: weight.default(1),
    differential: weight.default(1),
    reflect: weight.default(3),
    merge: weight.default(1),
    demo: weight.default(2),
    bootstrap: weight.default(1),
    // Off by default: in 24 runs on two simulated families none of 89 pruned children beat its parent on the
    // screen, so at weight 1 it only spent calls (docs/BENCHMARKS.md, _A prune operator_).
    prune: weight.default(0),
  })
  .refine((mix) => Object.values(mix).some((w) => w > 0), 'at least one operator needs a positive weight');
export type OperatorMix = z.output<typeof operatorMixSchema>;

/** An operator's weight in a mix; a mix stored before the operator existed has none, which counts as 0. */
export function operatorWeight(mix: Partial<OperatorMix>, name: OperatorName): number {
  return mix[name] ?? 0;
}

export const budgetSpecSchema = z.strictObject({
  calls: z.number().int().positive().optional(),
  tokens: z.number().int().positive().optional(),
  usd: z.number().positive().optional(),
});
export type BudgetSpec = z.output<typeof budgetSpecSchema>;

export const searchSpecSchema = z
  .strictObject({
    populationSize: z.number().int().min(2).default(8),
    generations: z.number().int().positive().default(10),
    elites: z.number().int().nonnegative().default(2),
    operators: operatorMixSchema.default(() => operatorMixSchema.parse({})),
    /**
     * Draw operators in proportion to their weight times their children's success on the screen so
     * far (probability matching). Off by default: on the simulated families it did not do better
     * than the fixed mix (docs/BENCHMARKS.md).
     */
    adaptiveOperators: z.boolean().default(false),
    selection: z.enum(SELECTION_NAMES).default('pareto'),
    tournamentSize: z.number().int().min(2).default(3),
    /** Failures (train examples with the parent's answer and feedback) one reflection shows the meta model. */
    reflectExamples: z.number().int().min(1).max(32).default(8),
    /**
     * Show mutate, crossover and differential the same number of train failures as evidence (of the
     * parent, of the first parent preferring those the second got right, of the current best), so
     * their rewrites are grounded in what goes wrong. Off: they see prompts only (EvoPrompt's blind
     * operators).
     */
    operatorEvidence: z.boolean().default(true),
    /**
     * Examples one evaluation activity scores. Each activity costs a fixed amount of orchestration
     * (the Temporal server's and the worker's work to schedule, run and complete it, about 40 ms of
     * CPU on a 2-core machine), which a slow model hides and a fast one does not; smaller activities
     * spread one candidate's evaluation over more workers. Raise it (e.g. 100) for fast local models
     * or when Temporal actions are billed; keep it low to spread a few large evaluations over many
     * workers (docs/BENCHMARKS.md, _Orchestration overhead_).
     */
    examplesPerActivity: z.number().int().min(1).max(1000).default(20),
    /** Examples a new child is screened on before it earns a full evaluation. */
    minibatchSize: z.number().int().positive().default(8),
    /** At most this fraction of the children screened goes on to full validation. */
    screenKeep: z.number().gt(0).max(1).default(0.5),
    /**
     * Children that beat their parent on the screen and are scored on the full validation split, per
     * generation, largest gain first. Validation is the costliest step; validating one winner per
     * generation lets the next generation build on it (GEPA validates one child per iteration).
     */
    validatePerGeneration: z.number().int().positive().default(1),
    /**
     * Children proposed and screened per minibatch: a generation's slots are spread over several
     * minibatches (GEPA proposes one child per minibatch); without chainWinners it stops early once
     * validatePerGeneration children have beaten their parent.
     */
    childrenPerMinibatch: z.number().int().positive().default(2),
    /**
     * Once a child has beaten its parent on a minibatch, the generation's remaining slots build on
     * it (its children are screened against it on the next minibatches), and only the chain's last
     * link is scored on the validation split: one full evaluation can then pay for several
     * improvements. Off: the generation stops at its first validatePerGeneration winners.
     */
    chainWinners: z.boolean().default(true),
    maxPromptChars: z.number().int().positive().default(8000),
    maxDemos: z.number().int().nonnegative().default(8),
    /**
     * When the seed prompt has no demos, generation 0's first children are the seed with this many
     * labeled train demos (one answer of each kind in turn, drawn by search.seed; labeledDraws
     * draws), screened against the seed like any child: DSPy's LabeledFewShot baseline, for tasks
     * where examples matter more than wording (small models). At most maxDemos; 0 turns it off.
     */
    labeledDemos: z.number().int().nonnegative().max(16).default(4),
    /**
     * Labeled variants of the seed that generation 0 screens, each a different draw of labeledDemos
     * train demos, all on the same minibatch against the seed (BootstrapFewShotWithRandomSearch's
     * random search over demo sets, screened instead of validated): on small models which demos a
     * prompt shows can decide more than its wording. No meta call; distinct draws only.
     */
    labeledDraws: z.number().int().min(1).max(16).default(3),
    budget: budgetSpecSchema.default({}),
    seed: z.number().int().default(0),
    /** How long a run whose budget ran out waits for an extension (extendBudget) before it finishes. */
    budgetWaitSeconds: z.number().int().nonnegative().default(0),
    stop: z
      .strictObject({
        /** Stop once the best validation score reaches this. */
        scoreThreshold: z.number().min(0).max(1).optional(),
        /** Stop after this many generations without improvement. */
        patience: z.number().int().positive().optional(),
      })
      .default({}),
  })
  .refine((s) => s.elites < s.populationSize, {
    message: 'elites must be fewer than populationSize',
    path: ['elites'],
  });
export type SearchSpec = z.output<typeof searchSpecSchema>;

export const teacherProgramSchema = z.strictObject({
  reasoning: z.enum(['direct', 'think']).default('think'),
  /** Samples per input; their majority answer is the program's answer. */
  samples: z.number().int().min(1).max(16).default(5),
  /** Sampling temperature when samples > 1. */
  temperature: z.number().min(0).max(2).default(0.7),
});
export type TeacherProgram = z.output<typeof teacherProgramSchema>;

export const distillSpecSchema = z.strictObject({
  /** Model names; default to roles.teacher / roles.student. */
  teacher: z.string().min(1).optional(),
  student: z.string().min(1).optional(),
  /** Student accuracy (0..1) on validation data that ends distillation. */
  threshold: z.number().min(0).max(1),
  /** Generations of evolution on the student at most (0: only score the bootstrapped student). */
  maxRounds: z.number().int().nonnegative().default(5),
  /** What distillation may spend on top of the run (unset dimensions are unlimited). */
  budget: budgetSpecSchema.default({}),
  /**
   * The teacher as a costlier program than one direct call: think-then-answer and/or several
   * samples with a majority vote. Lets a model teach a single direct call of itself.
   */
  teacherProgram: teacherProgramSchema.optional(),
});
export type DistillSpec = z.output<typeof distillSpecSchema>;
