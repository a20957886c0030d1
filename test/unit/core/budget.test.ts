import { describe, expect, it } from 'vitest';
import { charge, cost, createBudget, extend, isExhausted, remaining, wouldExceed } from '../../../core/index.js';

const pricing = { inputPerMTok: 2.5, outputPerMTok: 10 };

describe('budget', () => {
  it('prices usage per million tokens', () => {
    expect(cost({ inputTokens: 1_000_000, outputTokens: 100_000 }, pricing)).toBeCloseTo(3.5);
  });

  it('tracks calls, tokens and dollars and says which limit an estimate would cross', () => {
    let budget = createBudget({ calls: 3, usd: 1 });
    budget = charge(budget, { inputTokens: 200_000, outputTokens: 10_000 }, pricing);
    expect(budget.spent).toEqual({ calls: 1, tokens: 210_000, usd: 0.6 });
    expect(remaining(budget)).toEqual({ calls: 2, usd: 0.4 });
    expect(wouldExceed(budget, { calls: 1, usd: 0.3 })).toBeUndefined();
    expect(wouldExceed(budget, { calls: 1, usd: 0.5 })).toContain(
      'budget.usd: $1.1000 would exceed the limit of $1.0000',
    );
    expect(isExhausted(budget)).toBe(false);
    budget = charge(budget, { inputTokens: 200_000, outputTokens: 0 }, pricing, 2);
    expect(isExhausted(budget)).toBe(true);
  });

  it('extends limited dimensions only and refuses negative extensions', () => {
    const budget = extend(createBudget({ calls: 10 }), { calls: 5, usd: 3 });
    expect(budget.limits).toEqual({ calls: 15 });
    expect(() => extend(budget, { calls: -1 })).toThrow(/must not be negative/);
  });
});
