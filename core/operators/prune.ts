import type { Genome } from '../genome/genome.js';
import { acceptChild } from './guards.js';
import { type LocalOperator, type OperatorContext, type OperatorResult, parentAt } from './operator.js';

/** Why prune has nothing to work on; the propose activity skips the slot with the same words. */
export const NO_RULES = 'the parent has no rules to drop';

/**
 * Drops one rule from the parent's instruction, with no model call: GrIPS's delete edit. Rewrites
 * add rules and rarely take one out, so a wrong or distracting rule that rode in beside a good one
 * stays in every descendant; the screen keeps the shorter prompt only where it does better. The
 * rules the parent added to its own parent (`ctx.ancestor`) are tried first, where a rule that came
 * in beside a good one sits; then the others. Each group in a seeded order, until one removal gives
 * a prompt the run has not seen.
 */
export const pruneOperator: LocalOperator = {
  kind: 'local',
  name: 'prune',
  parentsNeeded: 1,
  apply(ctx: OperatorContext): OperatorResult {
    const parent = parentAt(ctx, 0, 'prune');
    const rules = parent.sections.rules;
    if (rules.length === 0) return { ok: false, reason: NO_RULES };
    let last: OperatorResult = { ok: false, reason: 'no rule to drop' };
    const inherited = new Set(ctx.ancestor?.sections.rules ?? []);
    const indices = rules.map((_, i) => i);
    const added = indices.filter((i) => !inherited.has(rules[i]!));
    const order = [...ctx.rng.shuffle(added), ...ctx.rng.shuffle(indices.filter((i) => inherited.has(rules[i]!)))];
    for (const index of order) {
      const child: Genome = {
        sections: { ...parent.sections, rules: rules.filter((_, i) => i !== index) },
        demos: parent.demos,
      };
      last = acceptChild(child, ctx, `prune: dropped rule ${index + 1} of ${rules.length}`);
      if (last.ok) return last;
    }
    return last;
  },
};
