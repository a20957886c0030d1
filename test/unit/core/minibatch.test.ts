import { describe, expect, it } from 'vitest';
import { nextMinibatch, perfectOn } from '../../../core/engine/plan.js';
import { Rng } from '../../../core/rng.js';

const pool = Array.from({ length: 20 }, (_, i) => `t${i}`);

describe('screening minibatches', () => {
  it('walk a shuffled pass over the pool: no example twice until every one has been drawn', () => {
    const rng = Rng.fromSeed(3);
    let queue: string[] = [];
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const next = nextMinibatch(queue, pool, 4, rng);
      expect(next.minibatch).toHaveLength(4);
      seen.push(...next.minibatch);
      queue = next.queue;
    }
    expect(new Set(seen).size).toBe(20);
    // The pass is used up: the next minibatch starts a new one.
    const after = nextMinibatch(queue, pool, 4, rng);
    expect(after.minibatch).toHaveLength(4);
    expect(after.queue).toHaveLength(16);
  });

  it('complete a short queue from a new pass without repeating inside the minibatch', () => {
    const next = nextMinibatch(['t1', 't2'], pool, 5, Rng.fromSeed(1));
    expect(next.minibatch.slice(0, 2)).toEqual(['t1', 't2']);
    expect(new Set(next.minibatch).size).toBe(5);
    expect(next.queue).not.toContain('t1');
    expect(next.queue).toHaveLength(15);
  });

  it('drop ids that left the pool, and never ask for more than the pool holds', () => {
    expect(nextMinibatch(['gone', 't0'], ['t0', 't1'], 8, Rng.fromSeed(2)).minibatch.sort()).toEqual(['t0', 't1']);
  });

  it('are reproducible from the rng state', () => {
    const a = nextMinibatch([], pool, 6, Rng.fromSeed(9));
    const b = nextMinibatch([], pool, 6, Rng.fromSeed(9));
    expect(a).toEqual(b);
  });
});

describe('perfectOn', () => {
  it('is true only for a non-empty set of perfect scores', () => {
    expect(perfectOn([1, 1, 1])).toBe(true);
    expect(perfectOn([1, 0.99])).toBe(false);
    expect(perfectOn([])).toBe(false);
    expect(perfectOn(undefined)).toBe(false);
  });
});
