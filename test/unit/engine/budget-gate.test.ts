import { describe, expect, it } from 'vitest';
import { budgetExhausted, waveFits } from '../../../core/engine/budget-gate.js';
import { zeroSpend, type Spend } from '../../../core/engine/types.js';

const spent = (s: Partial<Spend>): Spend => ({ ...zeroSpend, ...s });

describe('budget gate', () => {
  it('is never exhausted without limits, and is at a reached limit', () => {
    expect(budgetExhausted({}, spent({ calls: 1e9, tokens: 1e12, costUsd: 1e6 }))).toBe(false);
    expect(budgetExhausted({ calls: 10 }, spent({ calls: 10 }))).toBe(true);
    expect(budgetExhausted({ usd: 1 }, spent({ costUsd: 0.99 }))).toBe(false);
  });

  it('lets a wave through only when its calls fit', () => {
    expect(waveFits({ calls: 100 }, spent({ calls: 80 }), 20)).toBe(true);
    expect(waveFits({ calls: 100 }, spent({ calls: 80 }), 21)).toBe(false);
  });

  it('estimates dollars and tokens at 1.5 times the average call so far', () => {
    // 10 calls for $0.10: a wave of 10 is estimated at $0.15.
    const s = spent({ calls: 10, tokens: 1000, costUsd: 0.1 });
    expect(waveFits({ usd: 0.25 }, s, 10)).toBe(true);
    expect(waveFits({ usd: 0.24 }, s, 10)).toBe(false);
    expect(waveFits({ tokens: 2500 }, s, 10)).toBe(true);
    expect(waveFits({ tokens: 2499 }, s, 10)).toBe(false);
  });

  it('lets the first wave of a run through whatever its size (nothing to estimate from)', () => {
    expect(waveFits({ usd: 0.01, tokens: 10 }, zeroSpend, 500)).toBe(true);
  });
});
