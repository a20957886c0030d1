import { canonicalJson } from '../hash.js';
import type { Rng } from '../rng.js';
import type { BudgetSpec, DistillSpec, TeacherProgram } from '../task/search-spec.js';
import type { TaskSpec } from '../task/spec-schema.js';
import type { Budget, Spend } from './types.js';

/**
 * Distillation: the best program on a capable (or costlier) teacher becomes a single direct call
 * on a small student model. Pure helpers shared by the workflow, the activities and the client.
 */

/** Everything a distillation needs, resolved from the task spec and any overrides. */
export interface DistillConfig {
  teacher: string;
  student: string;
  threshold: number;
  maxRounds: number;
  budget: BudgetSpec;
  teacherProgram?: TeacherProgram;
}

export type DistillOverrides = Partial<Omit<DistillConfig, 'budget'>> & { budget?: BudgetSpec };

export class DistillConfigError extends Error {}

/** The task's `distill` section with `roles.teacher`/`roles.student` defaults and overrides applied. */
export function resolveDistillConfig(spec: TaskSpec, overrides: DistillOverrides = {}): DistillConfig {
  const base: Partial<DistillSpec> = spec.distill ?? {};
  const teacher = overrides.teacher ?? base.teacher ?? spec.roles.teacher;
  const student = overrides.student ?? base.student ?? spec.roles.student;
  const threshold = overrides.threshold ?? base.threshold;
  const problems: string[] = [];
  if (!teacher) problems.push('no teacher model: set distill.teacher or roles.teacher (or pass --teacher)');
  if (!student) problems.push('no student model: set distill.student or roles.student (or pass --student)');
  for (const [what, name] of [
    ['teacher', teacher],
    ['student', student],
  ] as const) {
    if (name && !spec.models[name]) {
      problems.push(`${what} model "${name}" is not one of the task's models (${Object.keys(spec.models).join(', ')})`);
    }
  }
  if (threshold === undefined) problems.push('no threshold: set distill.threshold (or pass --threshold)');
  else if (!(threshold >= 0 && threshold <= 1)) problems.push(`threshold must be within 0..1, got ${threshold}`);
  if (problems.length > 0) throw new DistillConfigError(`distillation: ${problems.join('; ')}`);
  const teacherProgram = overrides.teacherProgram ?? base.teacherProgram;
  return {
    teacher: teacher!,
    student: student!,
    threshold: threshold!,
    maxRounds: overrides.maxRounds ?? base.maxRounds ?? 5,
    budget: { ...(base.budget ?? {}), ...(overrides.budget ?? {}) },
    ...(teacherProgram ? { teacherProgram } : {}),
  };
}

/**
 * Picks up to `max` teacher traces as the student's demos, spread over the distinct answers so
 * the demos do not all show the majority class: round-robin over answers, each answer's traces
 * in a seeded random order.
 */
export function chooseTraceDemos<T extends { outputs: Record<string, unknown> }>(
  pool: readonly T[],
  max: number,
  rng: Rng,
): T[] {
  const byAnswer = new Map<string, T[]>();
  for (const trace of pool) {
    const key = canonicalJson(trace.outputs);
    byAnswer.set(key, [...(byAnswer.get(key) ?? []), trace]);
  }
  const queues = [...byAnswer.keys()].sort().map((key) => rng.sample(byAnswer.get(key)!, byAnswer.get(key)!.length));
  const chosen: T[] = [];
  for (let round = 0; chosen.length < max && queues.some((q) => q.length > round); round++) {
    for (const queue of queues) {
      if (chosen.length >= max) break;
      const trace = queue[round];
      if (trace) chosen.push(trace);
    }
  }
  return chosen;
}

/** Distillation's own budget as limits on run totals, given the totals when it started. */
export function absoluteBudget(start: Spend, budget: BudgetSpec): Budget {
  return {
    ...(budget.calls !== undefined ? { calls: start.calls + budget.calls } : {}),
    ...(budget.tokens !== undefined ? { tokens: start.tokens + budget.tokens } : {}),
    ...(budget.usd !== undefined ? { usd: start.costUsd + budget.usd } : {}),
  };
}
