import { describe, expect, it } from 'vitest';
import { adaptedMix, creditAfterScreen, MIN_SHARE } from '../../../core/operators/adaptive-mix.js';
import { operatorMixSchema } from '../../../core/task/search-spec.js';

describe('adaptive operator selection', () => {
  const mix = operatorMixSchema.parse({});

  it('uses the configured mix unchanged before any evidence', () => {
    const adapted = adaptedMix(mix, {});
    const total = Object.values(adapted).reduce((a, b) => a + b, 0);
    const configured = Object.values(mix).reduce((a, b) => a + b, 0);
    for (const [name, w] of Object.entries(mix))
      expect(adapted[name as keyof typeof mix] / total).toBeCloseTo(w / configured, 10);
  });

  it('draws operators whose children beat their parents more, and never drops one below its floor', () => {
    const credit = creditAfterScreen({}, [
      ...Array.from({ length: 20 }, (_, i) => ({ operator: 'reflect' as const, passed: i % 2 === 0 })),
      ...Array.from({ length: 20 }, () => ({ operator: 'mutate' as const, passed: false })),
    ]);
    expect(credit.reflect).toEqual({ tried: 20, passed: 10 });
    expect(credit.mutate).toEqual({ tried: 20, passed: 0 });
    const adapted = adaptedMix(mix, credit);
    const total = Object.values(adapted).reduce((a, b) => a + b, 0);
    // Same configured weight (3), success 11/22 against 1/22.
    expect(adapted.reflect / adapted.mutate).toBeGreaterThan(5);
    expect(adapted.mutate / total).toBeGreaterThanOrEqual(MIN_SHARE * 0.9);
  });

  it('keeps an operator switched off at zero', () => {
    const off = operatorMixSchema.parse({ merge: 0 });
    expect(adaptedMix(off, { merge: { tried: 10, passed: 10 } }).merge).toBe(0);
  });
});
