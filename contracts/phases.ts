/**
 * Where a workflow is, as the `status` query, the `PromptEvoPhase` search attribute and
 * `runs.phase` say it. One union per workflow; the search attribute takes any of them.
 */

/** The run workflow's phases, in the order a run goes through them (pause and budget wait come and go). */
export const RUN_PHASES = [
  'preparing',
  'seeding',
  'evolving',
  'paused',
  'awaiting_budget',
  'finalizing',
  'production',
  'distilling',
  'done',
] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** The distillation workflow's phases. */
export const DISTILL_PHASES = [
  'distill:traces',
  'distill:student',
  'distill:evolving',
  'distill:testing',
  'distill:done',
] as const;
export type DistillPhase = (typeof DISTILL_PHASES)[number];

/** A generation workflow is started in its run's phase (`seeding`, `evolving`, `distilling`) and ends `done`. */
export type GenerationPhase = Extract<RunPhase, 'seeding' | 'evolving' | 'distilling' | 'done'>;

/** The gated promotion workflow's phases. */
export const PROMOTION_PHASES = [
  'promotion:preparing',
  'promotion:scoring',
  'promotion:deciding',
  'promotion:done',
] as const;
export type PromotionPhase = (typeof PROMOTION_PHASES)[number];

export type WorkflowPhase = RunPhase | DistillPhase | PromotionPhase;
