import { describe, expect, it } from 'vitest';
import { pairedComparison } from '../../../core/stats/paired-test.js';

describe('paired comparison of a winner with its seed', () => {
  it('uses the exact McNemar test on binary scores', () => {
    // 6 discordant pairs, all in b's favour: p = 0.5^6 = 0.015625.
    const a = [0, 0, 0, 0, 0, 0, 1, 1, 0, 1];
    const b = [1, 1, 1, 1, 1, 1, 1, 1, 0, 1];
    const c = pairedComparison(a, b);
    expect(c.method).toBe('mcnemar_exact');
    expect(c.discordant).toEqual({ better: 6, worse: 0 });
    expect(c.pValue).toBeCloseTo(0.015625, 10);
    expect(c.significant).toBe(true);
    expect(c.meanDifference).toBeCloseTo(0.6, 10);
  });

  it('does not call 4 examples better and 1 worse significant', () => {
    const c = pairedComparison([0, 0, 0, 0, 1], [1, 1, 1, 1, 0]);
    // P(X ≥ 4 | n = 5) = 6/32.
    expect(c.pValue).toBeCloseTo(6 / 32, 10);
    expect(c.significant).toBe(false);
  });

  it('is never significant for a winner equal to or worse than the seed', () => {
    expect(pairedComparison([1, 0, 1], [1, 0, 1]).pValue).toBe(1);
    expect(pairedComparison([1, 1, 1, 1], [0, 0, 0, 0]).significant).toBe(false);
  });

  it('uses a sign-flip permutation test on graded scores, exact for few differences', () => {
    const a = [0.2, 0.5, 0.4, 0.1, 0.3];
    const b = [0.6, 0.9, 0.8, 0.5, 0.7];
    const c = pairedComparison(a, b);
    expect(c.method).toBe('sign_flip_permutation');
    // All 5 differences positive and equal: only the all-plus assignment reaches the sum, 1/32.
    expect(c.pValue).toBeCloseTo(1 / 32, 10);
  });

  it('gives the same p-value twice for many graded differences (seeded Monte Carlo)', () => {
    const a = Array.from({ length: 40 }, (_, i) => (i % 7) / 10);
    const b = a.map((x, i) => Math.min(1, x + (i % 3 === 0 ? 0.2 : -0.05)));
    const first = pairedComparison(a, b);
    expect(first.pValue).toBe(pairedComparison(a, b).pValue);
    expect(first.pValue).toBeGreaterThan(0);
    expect(first.pValue).toBeLessThan(1);
  });
});
