import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { describe, expect, it } from 'vitest';
import { exactMcnemarPValue, pairedBootstrap, promotionTest } from '../../../core/index.js';

/** P(X ≥ c) for X ~ Binomial(b + c, 1/2), summed exactly in integers: independent of the CDF library. */
function exactUpperTail(c: number, b: number): number {
  const n = b + c;
  let coefficient = 1n;
  let sum = 0n;
  for (let k = 0; k <= n; k++) {
    if (k >= c) sum += coefficient;
    coefficient = (coefficient * BigInt(n - k)) / BigInt(k + 1);
  }
  return Number((sum * 10n ** 30n) / 2n ** BigInt(n)) / 1e30;
}

/** Paired binary scores over n examples: b only the champion gets right, c only the challenger, the rest tied. */
function binaryPairs(n: number, b: number, c: number): [number[], number[]] {
  const champion = Array.from({ length: n }, (_, i) => (i < b ? 1 : i < b + c ? 0 : i % 2));
  const challenger = champion.map((score, i) => (i < b + c ? 1 - score : score));
  return [champion, challenger];
}

describe('exact McNemar p-value', () => {
  it('is P(X ≥ c) for X ~ Binomial(b + c, 1/2)', () => {
    expect(exactMcnemarPValue(9, 1)).toBeCloseTo(0.0107421875, 12); // 11 / 1024
    for (let b = 0; b <= 30; b += 3) {
      for (let c = 1; c <= 30; c += 4) {
        const expected = exactUpperTail(c, b);
        expect(Math.abs(exactMcnemarPValue(c, b) - expected)).toBeLessThan(1e-12 * Math.max(expected, 1e-300));
      }
    }
  });

  it('keeps a tiny p-value instead of rounding 1 − CDF to 0', () => {
    expect(exactMcnemarPValue(60, 0)).toBe(2 ** -60);
  });

  it('is 1 when the challenger wins no discordant pair, including when there are none', () => {
    expect(exactMcnemarPValue(0, 7)).toBe(1);
    expect(exactMcnemarPValue(0, 0)).toBe(1);
  });
});

describe('promotionTest on binary scores', () => {
  it('promotes a challenger that wins 9 of 10 discordant pairs on 100 examples', () => {
    const [champion, challenger] = binaryPairs(100, 1, 9);
    const verdict = promotionTest(champion, challenger);
    expect(verdict).toMatchObject({
      decision: 'promote',
      reasons: [],
      test: 'mcnemar_exact',
      n: 100,
      discordant: { championBetter: 1, challengerBetter: 9 },
    });
    expect(verdict.pValue).toBeCloseTo(0.0107421875, 12);
    expect(verdict.meanDifference).toBeCloseTo(0.08, 12);
    expect(verdict.ci!.level).toBeCloseTo(0.9, 12);
    expect(verdict.ci!.low).toBeGreaterThan(0);
    expect(verdict.ci!.low).toBeLessThan(0.08);
    expect(verdict.ci!.high).toBeGreaterThan(0.08);
    expect(verdict.explanation).toMatch(/^promote: .*exact McNemar, 9 vs 1 discordant, p = 0\.0107 < 0\.05$/);
  });

  it('refuses too few examples even with every discordant pair won', () => {
    const [champion, challenger] = binaryPairs(12, 0, 10);
    const verdict = promotionTest(champion, challenger);
    expect(verdict.pValue).toBe(2 ** -10);
    expect(verdict.decision).toBe('refuse');
    expect(verdict.reasons).toEqual(['too_few_examples']);
    expect(verdict.explanation).toMatch(/^refuse \(12 examples < 30\)/);
  });

  it('refuses a gain that is not significant', () => {
    const [champion, challenger] = binaryPairs(100, 4, 8);
    const verdict = promotionTest(champion, challenger);
    expect(verdict.pValue).toBeCloseTo(794 / 4096, 12);
    expect(verdict.reasons).toEqual(['not_significant']);
  });

  it('refuses a significant gain below the minimum effect', () => {
    const [champion, challenger] = binaryPairs(2000, 0, 14);
    const verdict = promotionTest(champion, challenger);
    expect(verdict.pValue).toBe(2 ** -14);
    expect(verdict.meanDifference).toBeCloseTo(0.007, 12);
    expect(verdict.reasons).toEqual(['effect_too_small']);
  });

  it('refuses two versions that agree on every example', () => {
    const [champion, challenger] = binaryPairs(50, 0, 0);
    const verdict = promotionTest(champion, challenger);
    expect(verdict).toMatchObject({ decision: 'refuse', pValue: 1, meanDifference: 0 });
    expect(verdict.discordant).toEqual({ championBetter: 0, challengerBetter: 0 });
    expect(verdict.reasons).toEqual(['not_significant', 'effect_too_small']);
  });

  it('refuses with no examples, naming the minimum', () => {
    const verdict = promotionTest([], []);
    expect(verdict).toMatchObject({ decision: 'refuse', reasons: ['too_few_examples'], test: 'none', n: 0, ci: null });
    expect(verdict.explanation).toBe('refuse: no examples scored (need at least 30)');
  });

  it('applies the gates it is given and reports them', () => {
    const [champion, challenger] = binaryPairs(100, 4, 8);
    const verdict = promotionTest(champion, challenger, { alpha: 0.25, minN: 100, minEffect: 0.05 });
    expect(verdict.reasons).toEqual(['effect_too_small']);
    expect(verdict.settings).toMatchObject({ alpha: 0.25, minN: 100, minEffect: 0.05 });
  });
});

describe('promotionTest on graded scores', () => {
  const champion = Array.from({ length: 200 }, (_, i) => ((i * 37) % 100) / 100);
  const challenger = champion.map((score, i) => Math.min(1, score + (i % 4 === 0 ? 0.1 : 0.01)));

  it('uses a seeded paired bootstrap: the same seed gives the same verdict, another seed another draw', () => {
    const first = promotionTest(champion, challenger, { seed: 'champion-vs-challenger' });
    expect(first.test).toBe('paired_bootstrap');
    expect(first.discordant).toBeUndefined();
    expect(promotionTest(champion, challenger, { seed: 'champion-vs-challenger' })).toEqual(first);
    expect(promotionTest(champion, challenger, { seed: 'another' }).ci).not.toEqual(first.ci);
  });

  it('gives a percentile interval close to the t interval on a symmetric sample', () => {
    const differences = Array.from({ length: 400 }, (_, i) => 0.02 + 0.3 * Math.sin(i * 1.7));
    const n = differences.length;
    const mean = differences.reduce((s, d) => s + d, 0) / n;
    const sd = Math.sqrt(differences.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1));
    const halfWidth = tQuantile(0.95, n - 1) * (sd / Math.sqrt(n));
    const { ci } = pairedBootstrap(differences, { resamples: 10_000, level: 0.9, seed: 1 });
    expect(Math.abs(ci.low - (mean - halfWidth))).toBeLessThan(0.1 * halfWidth);
    expect(Math.abs(ci.high - (mean + halfWidth))).toBeLessThan(0.1 * halfWidth);
  });

  it('gives the smallest p the resamples allow when every example gains, and 1 when none does', () => {
    const gain = champion.map((score) => score + 0.5);
    expect(promotionTest(champion, gain, { resamples: 999 }).pValue).toBe(1 / 1000);
    expect(promotionTest(champion, [...champion]).pValue).toBe(1);
  });

  it('counts a gain of exactly the minimum effect despite floating-point rounding', () => {
    const base = Array.from({ length: 30 }, (_, i) => 0.33 + i / 100);
    const verdict = promotionTest(
      base,
      base.map((score) => score + 0.01),
    );
    expect(verdict.decision).toBe('promote');
  });
});

describe('promotionTest input checks', () => {
  it('throws on scores of different lengths', () => {
    expect(() => promotionTest([1, 0, 1], [1, 0])).toThrow(
      'champion has 3 scores and challenger 2; score both on the same examples, in the same order',
    );
  });

  it('throws on a NaN or infinite score, naming where', () => {
    expect(() => promotionTest([1, 0], [1, Number.NaN])).toThrow(/challenger score at index 1 is NaN/);
    expect(() => promotionTest([Infinity, 0], [1, 0])).toThrow(/champion score at index 0 is Infinity/);
  });

  it('throws on settings that cannot work', () => {
    expect(() => promotionTest([1], [1], { alpha: 0.7 })).toThrow(/alpha must be between 0 and 0.5/);
    expect(() => promotionTest([1], [1], { resamples: 10 })).toThrow(/resamples 10 cannot reach p < 0.05/);
    expect(() => promotionTest([1], [1], { minN: 0, minEffect: -1 })).toThrow(/minEffect must be ≥ 0.*minN/);
  });
});
