import { describe, expect, it } from 'vitest';
import {
  exampleCounts,
  operatorStats,
  spendOutsideGenerations,
  winnerLineage,
  type Candidate,
} from '../../../client/report/model.js';

const c = (hash: string, operator: string, parents: string[], score: number | null): Candidate => ({
  hash,
  generation: parents.length === 0 ? 0 : 1,
  operator,
  parents,
  score,
  note: null,
});

describe('report model', () => {
  it('counts per operator what it made, how it scored and how much of the lineage it built', () => {
    const candidates = [
      c('s', 'seed', [], 0.5),
      c('m1', 'mutate', ['s'], 0.7),
      c('m2', 'mutate', ['s'], null),
      c('m3', 'mutate', ['s'], 0.5),
      c('r1', 'reflect', ['m1'], 0.9),
    ];
    const stats = operatorStats(candidates, winnerLineage(candidates, 'r1'));
    expect(stats).toEqual([
      { operator: 'mutate', made: 3, mean: 0.6, best: 0.7, inLineage: 1 },
      { operator: 'reflect', made: 1, mean: 0.9, best: 0.9, inLineage: 1 },
      { operator: 'seed', made: 1, mean: 0.5, best: 0.5, inLineage: 1 },
    ]);
    expect(operatorStats([c('x', 'demo', ['s'], null)], [])).toEqual([
      { operator: 'demo', made: 1, mean: null, best: null, inLineage: 0 },
    ]);
  });

  it('tells fixed, broken, unchanged and unscored test examples apart', () => {
    const out = (score: number) => ({ output: '{}', score });
    expect(
      exampleCounts([
        { seed: out(0), winner: out(1) },
        { seed: out(1), winner: out(0) },
        { seed: out(0.5), winner: out(0.5 + 1e-9) },
        { seed: null, winner: out(1) },
      ]),
    ).toEqual({ fixed: 1, broken: 1, same: 1, unscored: 1 });
  });

  it('finds spend outside the generations, ignoring rounding below a hundredth of a cent', () => {
    const spend = (costUsd: number) => ({ calls: 1, cachedCalls: 0, tokens: 10, costUsd });
    const generations = [0.02, 0.03].map((costUsd, generation) => ({
      generation,
      best: 1,
      mean: 1,
      min: 1,
      max: 1,
      ...spend(costUsd),
    }));
    expect(spendOutsideGenerations({ totals: spend(0.08), generations })).toBeCloseTo(0.03);
    expect(spendOutsideGenerations({ totals: spend(0.05004), generations })).toBe(0);
  });
});
