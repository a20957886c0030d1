import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, type RngState } from '../../../core/index.js';

describe('Rng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number | string): number[] => {
      const rng = Rng.fromSeed(seed);
      return Array.from({ length: 5 }, () => rng.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw('run-a')).not.toEqual(draw('run-b'));
  });

  it('continues the exact sequence after a state round-trip through JSON (continue-as-new)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(50), (seed, skip) => {
        const rng = Rng.fromSeed(seed);
        for (let i = 0; i < skip; i++) rng.float();
        const restored = Rng.fromState(JSON.parse(JSON.stringify(rng.getState())) as RngState);
        expect(Array.from({ length: 10 }, () => restored.float())).toEqual(
          Array.from({ length: 10 }, () => rng.float()),
        );
      }),
    );
  });

  it('keeps int() in range and shuffle() a permutation', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1000 }), fc.array(fc.integer()), (seed, n, items) => {
        const rng = Rng.fromSeed(seed);
        const value = rng.int(n);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(n);
        expect([...rng.shuffle(items)].sort()).toEqual([...items].sort());
      }),
    );
  });

  it('never picks a zero-weight item and roughly follows the weights', () => {
    const rng = Rng.fromSeed(1);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 4000; i++) counts[rng.weightedPick(['a', 'b', 'c'] as const, [1, 3, 0])]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.5);
    expect(counts.b / counts.a).toBeLessThan(3.5);
  });

  it('samples distinct items and rejects bad arguments with a clear message', () => {
    const rng = Rng.fromSeed(3);
    expect(new Set(rng.sample([1, 2, 3, 4, 5], 3)).size).toBe(3);
    expect(() => rng.pick([])).toThrow(/empty list/);
    expect(() => Rng.fromState({ a: -1, b: 0, c: 0, d: 0 })).toThrow(/state\.a/);
  });
});
