import { demoKey, type Demo, type Genome } from '../genome/genome.js';
import type { Rng } from '../rng.js';
import { acceptChild } from './guards.js';
import { type LocalOperator, type OperatorContext, type OperatorResult, parentAt } from './operator.js';

/** The four demo edits; each returns undefined when it does not apply to this genome. */
export const DEMO_EDITS = ['add', 'drop', 'swap', 'reorder'] as const;
export type DemoEdit = (typeof DEMO_EDITS)[number];

function unused(genome: Genome, pool: readonly Demo[]): Demo[] {
  const present = new Set(genome.demos.map(demoKey));
  return pool.filter((demo) => !present.has(demoKey(demo)));
}

export function editDemos(
  genome: Genome,
  edit: DemoEdit,
  pool: readonly Demo[],
  maxDemos: number,
  rng: Rng,
): Demo[] | undefined {
  const demos = [...genome.demos];
  const candidates = unused(genome, pool);
  switch (edit) {
    case 'add':
      if (candidates.length === 0 || demos.length >= maxDemos) return undefined;
      demos.splice(rng.int(demos.length + 1), 0, rng.pick(candidates));
      return demos;
    case 'drop':
      if (demos.length === 0) return undefined;
      demos.splice(rng.int(demos.length), 1);
      return demos;
    case 'swap':
      if (demos.length === 0 || candidates.length === 0) return undefined;
      demos[rng.int(demos.length)] = rng.pick(candidates);
      return demos;
    case 'reorder': {
      if (demos.length < 2) return undefined;
      // Retry a few shuffles: an unchanged order would just be a duplicate.
      for (let i = 0; i < 5; i++) {
        const shuffled = rng.shuffle(demos);
        if (shuffled.some((d, j) => demoKey(d) !== demoKey(demos[j]!))) return shuffled;
      }
      return undefined;
    }
  }
}

/** Picks one applicable demo edit at random: a cheap, model-free way to search over demo sets. */
export const demoOperator: LocalOperator = {
  kind: 'local',
  name: 'demo',
  parentsNeeded: 1,
  apply(ctx: OperatorContext): OperatorResult {
    const parent = parentAt(ctx, 0, 'demo');
    for (const edit of ctx.rng.shuffle(DEMO_EDITS)) {
      const demos = editDemos(parent, edit, ctx.demoPool ?? [], ctx.limits.maxDemos, ctx.rng);
      if (demos) return acceptChild({ sections: parent.sections, demos }, ctx, `demo ${edit}`);
    }
    return { ok: false, reason: 'no demo edit applies (no demos to drop or reorder and an empty demo pool)' };
  },
};
