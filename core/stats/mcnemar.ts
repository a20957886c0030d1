import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';

/**
 * One-sided exact McNemar test: P(X ≥ better) for X ~ Binomial(better + worse, 1/2), where
 * `better` counts the pairs only the second version gets right and `worse` those only the first
 * does. With p = 1/2 the binomial is symmetric, so the upper tail is the lower tail
 * P(X ≤ worse): one CDF value, exact even where `1 − CDF` would round a tiny p to 0.
 */
export function exactMcnemarPValue(better: number, worse: number): number {
  for (const [name, count] of [
    ['better', better],
    ['worse', worse],
  ] as const) {
    if (!Number.isInteger(count) || count < 0) {
      throw new Error(`exactMcnemarPValue: ${name} must be a count of pairs (a non-negative integer), got ${count}`);
    }
  }
  if (better === 0) return 1;
  return Math.min(1, binomialCdf(worse, better + worse, 0.5));
}
