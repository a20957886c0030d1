import { describe, expect, it } from 'vitest';
import { affordable, anyOperatorLeft, planChildren, promoteAfterScreening } from '../../../core/engine/plan.js';
import type { Member } from '../../../core/engine/types.js';
import { Rng } from '../../../core/rng.js';
import { searchSpecSchema } from '../../../core/task/search-spec.js';

const member = (hash: string, parents: string[] = [], score = 0): Member => ({
  hash,
  operator: parents.length ? 'mutate' : 'seed',
  parents,
  score,
  scores: [],
});

describe('paired screening', () => {
  it('promotes only children that beat their primary parent on the same minibatch, largest gain first', () => {
    const parentScores = new Map([
      ['p', [1, 0, 0, 1]],
      ['q', [1, 1, 1, 0]],
    ]);
    const childScores = new Map([
      ['better', [1, 1, 0, 1]], // +1 over p
      ['equal', [0, 1, 0, 1]], // ties p: no evidence, not promoted
      ['much', [1, 1, 1, 1]], // +2 over p
      ['worse-than-q', [1, 1, 1, 0]], // ties its primary parent q
    ]);
    const children = [
      member('better', ['p']),
      member('equal', ['p']),
      member('much', ['p', 'q']),
      member('worse-than-q', ['q', 'p']),
    ];
    const promoted = promoteAfterScreening({ children, childScores, parentScores, keep: 1 });
    expect(promoted.map((c) => c.hash)).toEqual(['much', 'better']);
    // keep caps the promoted share of the screened children (at least one).
    expect(promoteAfterScreening({ children, childScores, parentScores, keep: 0.25 }).map((c) => c.hash)).toEqual([
      'much',
    ]);
  });

  it('promotes nothing when no child has its parent screened', () => {
    const promoted = promoteAfterScreening({
      children: [member('c', ['missing'])],
      childScores: new Map([['c', [1, 1]]]),
      parentScores: new Map(),
      keep: 1,
    });
    expect(promoted).toEqual([]);
  });
});

describe('budget shrinking', () => {
  it('finds the largest wave that fits instead of dropping the whole wave', () => {
    const fits = (calls: number): boolean => calls <= 50;
    expect(affordable(10, 8, fits)).toBe(6);
    expect(affordable(3, 8, fits)).toBe(3);
    expect(affordable(4, 60, fits)).toBe(0);
  });
});

describe('planning children', () => {
  const search = searchSpecSchema.parse({ populationSize: 4, elites: 1 });
  const population = [member('a', [], 0.9), member('b', [], 0.8), member('c', [], 0.5), member('d', [], 0.4)];

  it('never draws an excluded operator when a slot is drawn again', () => {
    const plans = planChildren({
      population,
      slots: 50,
      search,
      rng: Rng.fromSeed('plan'),
      exclude: (name) => name === 'reflect' || name === 'bootstrap',
    });
    expect(plans).toHaveLength(50);
    expect(plans.some((p) => p.operator === 'reflect' || p.operator === 'bootstrap')).toBe(false);
  });

  it('knows when every usable operator is excluded', () => {
    const onlyReflect = searchSpecSchema.parse({
      operators: { mutate: 0, crossover: 0, differential: 0, reflect: 1, merge: 0, demo: 0, bootstrap: 0, prune: 0 },
    });
    expect(anyOperatorLeft(onlyReflect, 1, (name) => name === 'reflect')).toBe(false);
    expect(anyOperatorLeft(onlyReflect, 1, () => false)).toBe(true);
    // Crossover needs two parents: with one member it does not count as left.
    const onlyCrossover = searchSpecSchema.parse({
      operators: { mutate: 0, crossover: 1, differential: 0, reflect: 0, merge: 0, demo: 0, bootstrap: 0, prune: 0 },
    });
    expect(anyOperatorLeft(onlyCrossover, 1, () => false)).toBe(false);
  });
});
