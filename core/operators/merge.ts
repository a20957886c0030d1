import { canonicalJson } from '../hash.js';
import { type Genome, type GenomeSections, normalizeGenome, SECTION_KEYS } from '../genome/genome.js';
import { acceptChild } from './guards.js';
import { type LocalOperator, parentAt } from './operator.js';

/**
 * GEPA-style system-aware merge without a model call: two descendants of a common
 * ancestor are combined section by section, taking each section from whichever parent
 * changed it. When both changed it differently, a seeded coin decides.
 */
export const mergeOperator: LocalOperator = {
  kind: 'local',
  name: 'merge',
  parentsNeeded: 2,
  apply(ctx) {
    if (!ctx.ancestor)
      return { ok: false, reason: 'merge needs the common ancestor of its two parents (ctx.ancestor)' };
    const [a, b, ancestor] = [parentAt(ctx, 0, 'merge'), parentAt(ctx, 1, 'merge'), ctx.ancestor].map(
      normalizeGenome,
    ) as [Genome, Genome, Genome];
    const same = (x: unknown, y: unknown): boolean => canonicalJson(x) === canonicalJson(y);
    const choose = <T>(fromA: T, fromB: T, original: T): { value: T; conflict: boolean } => {
      if (same(fromA, fromB) || same(fromB, original)) return { value: fromA, conflict: false };
      if (same(fromA, original)) return { value: fromB, conflict: false };
      return { value: ctx.rng.float() < 0.5 ? fromA : fromB, conflict: true };
    };
    const sections: Record<string, unknown> = {};
    let conflicts = 0;
    for (const key of SECTION_KEYS) {
      const picked = choose(a.sections[key], b.sections[key], ancestor.sections[key]);
      sections[key] = picked.value;
      if (picked.conflict) conflicts++;
    }
    const demos = choose(a.demos, b.demos, ancestor.demos);
    if (demos.conflict) conflicts++;
    const child: Genome = { sections: sections as unknown as GenomeSections, demos: demos.value };
    return acceptChild(child, ctx, `merge (${conflicts} conflict${conflicts === 1 ? '' : 's'} resolved by coin)`);
  },
};
