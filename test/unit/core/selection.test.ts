import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dominates,
  nextPopulation,
  paretoFrontier,
  paretoSelect,
  Rng,
  screenCandidates,
  selectElites,
  successiveHalvingRungs,
  tournamentSelect,
  type ScoredCandidate,
} from '../../../core/index.js';

const candidates = (rows: number[][]): ScoredCandidate[] => rows.map((scores, i) => ({ id: `c${i}`, scores }));
const scoreMatrix = fc
  .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6 }))
  .chain(([n, m]) =>
    fc.array(fc.array(fc.constantFrom(0, 0.5, 1), { minLength: m, maxLength: m }), { minLength: n, maxLength: n }),
  );

describe('Pareto frontier', () => {
  it('never contains a dominated candidate and covers the best score on every example', () => {
    fc.assert(
      fc.property(scoreMatrix, (rows) => {
        const all = candidates(rows);
        const frontier = paretoFrontier(all).map((m) => m.candidate);
        for (const member of frontier) expect(all.some((other) => dominates(other, member))).toBe(false);
        for (let i = 0; i < rows[0]!.length; i++) {
          const best = Math.max(...rows.map((r) => r[i]!));
          expect(frontier.some((c) => c.scores[i] === best)).toBe(true);
        }
      }),
    );
  });

  it('keeps a specialist that wins one example even with a lower mean', () => {
    const all = candidates([
      [1, 1, 1, 0],
      [0, 0, 0, 1],
      [0.5, 0.5, 0.5, 0.5],
    ]);
    expect(paretoFrontier(all).map((m) => [m.candidate.id, m.wins])).toEqual([
      ['c0', 3],
      ['c1', 1],
    ]);
    const counts = { c0: 0, c1: 0, c2: 0 } as Record<string, number>;
    const rng = Rng.fromSeed(2);
    for (let i = 0; i < 2000; i++) counts[paretoSelect(all, rng).id]!++;
    expect(counts.c2).toBe(0);
    expect(counts.c0! / counts.c1!).toBeGreaterThan(2.4);
    expect(counts.c0! / counts.c1!).toBeLessThan(3.6);
  });

  it('refuses candidates scored on different examples', () => {
    expect(() => paretoFrontier(candidates([[1], [1, 0]]))).toThrow(/same examples/);
  });
});

describe('elitism, tournament, screening and next population', () => {
  const pool = candidates([[0.1], [0.9], [0.5], [0.7], [0.3]]);

  it('elitism keeps the best by mean; tournament picks the best of its draw', () => {
    expect(selectElites(pool, 2).map((c) => c.id)).toEqual(['c1', 'c3']);
    expect(tournamentSelect(pool, pool.length, Rng.fromSeed(1)).id).toBe('c1');
  });

  it('screening promotes the best fraction and halving ends on the full set', () => {
    expect(screenCandidates(pool, 0.4).map((c) => c.id)).toEqual(['c1', 'c3']);
    expect(successiveHalvingRungs({ candidates: 8, minibatchSize: 10, fullSize: 40, keep: 0.5 })).toEqual([
      { candidates: 8, examples: 10 },
      { candidates: 4, examples: 20 },
      { candidates: 2, examples: 40 },
    ]);
  });

  it('nextPopulation keeps elites, fills to size and keeps Pareto specialists', () => {
    const mixed = candidates([
      [1, 1, 0],
      [0.9, 0.9, 0],
      [0.8, 0.8, 0],
      [0, 0, 1],
      [0.5, 0.5, 0.5],
    ]);
    const pareto = nextPopulation(mixed, {
      populationSize: 3,
      elites: 1,
      selection: 'pareto',
      tournamentSize: 2,
      rng: Rng.fromSeed(1),
    });
    expect(pareto.map((c) => c.id).sort()).toEqual(['c0', 'c1', 'c3']);
    const tournament = nextPopulation(mixed, {
      populationSize: 3,
      elites: 1,
      selection: 'tournament',
      tournamentSize: 2,
      rng: Rng.fromSeed(1),
    });
    expect(tournament).toHaveLength(3);
    expect(tournament.map((c) => c.id)).toContain('c0');
  });
});
