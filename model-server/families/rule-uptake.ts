// Whether a simulated model applies a rule on a given example: stated in the instruction,
// illustrated by enough demos, or inferred unaided, each with a capability-dependent probability.
import type { RuleDef, TaskContext } from './types.js';
import { conveys } from './cues.js';

export function applyProbability(rule: RuleDef, context: TaskContext, illustratingDemos: number, inferred = 0): number {
  const cap = context.capability;
  let p = inferred;
  if (conveys(context.instruction, rule.cues)) p = Math.max(p, cap.applyStated);
  if (rule.kind === 'hidden') {
    if (illustratingDemos >= cap.demosNeeded) p = Math.max(p, cap.applyFromDemos);
    else if (illustratingDemos >= 1) p = Math.max(p, cap.applyFromOneDemo);
  }
  return p;
}

export function ruleApplies(rule: RuleDef, context: TaskContext, illustratingDemos: number, inferred = 0): boolean {
  return context.uniform(`rule:${rule.id}`) < applyProbability(rule, context, illustratingDemos, inferred);
}

/** How many demos illustrate each rule. */
export function countIllustrations(
  context: TaskContext,
  shownBy: (inputs: TaskContext['inputs'], outputs: TaskContext['inputs']) => string[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const demo of context.demos) {
    for (const id of shownBy(demo.inputs, demo.outputs)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
