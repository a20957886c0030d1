// Intervals for the DSPy comparison: a two-sided 95% Student-t interval of a mean; the paired
// difference of two arms on the same test examples (per example, the score averaged over an arm's
// valid seeds; then arm minus promptevo, example by example; t-interval over the examples); and the
// difference of the arms' per-seed means with Welch's interval, which also counts how much the
// seeds disagree (the paired one takes each seed's prompt as fixed).
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface Interval {
  mean: number;
  /** Bounds of the 95% interval; NaN when n < 2. */
  lo: number;
  hi: number;
  n: number;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Mean ± t(0.975, n−1) · s / √n. */
export function tInterval(xs: readonly number[]): Interval {
  const n = xs.length;
  const m = mean(xs);
  if (n < 2) return { mean: m, lo: NaN, hi: NaN, n };
  const variance = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1);
  const half = tQuantile(0.975, n - 1) * Math.sqrt(variance / n);
  return { mean: m, lo: m - half, hi: m + half, n };
}

/** Per example, the mean over seeds; `perSeed[s][i]` is seed s's score on test example i. */
export function perExampleMeans(perSeed: readonly (readonly number[])[]): number[] {
  const first = perSeed[0];
  if (!first) return [];
  return first.map((_, i) => mean(perSeed.map((scores) => scores[i] ?? NaN)));
}

/** Arm minus baseline, paired by test example over the seed-averaged scores. */
export function pairedDifference(
  arm: readonly (readonly number[])[],
  baseline: readonly (readonly number[])[],
): Interval {
  const a = perExampleMeans(arm);
  const b = perExampleMeans(baseline);
  if (a.length === 0 || b.length === 0 || a.length !== b.length) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  return tInterval(a.map((x, i) => x - (b[i] ?? NaN)));
}

/**
 * Arm minus baseline over seeds: the difference of the mean test scores, with Welch's 95% interval
 * (unequal variances, Welch–Satterthwaite degrees of freedom). Seeds are not paired: an unseeded arm's
 * seed k has nothing to do with promptevo's seed k. NaN bounds when either side has fewer than 2 runs.
 */
export function seedDifference(arm: readonly number[], baseline: readonly number[]): Interval {
  const d = mean(arm) - mean(baseline);
  const n = Math.min(arm.length, baseline.length);
  if (arm.length < 2 || baseline.length < 2) return { mean: d, lo: NaN, hi: NaN, n };
  const share = (xs: readonly number[]): number => {
    const m = mean(xs);
    return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) / xs.length;
  };
  const [a, b] = [share(arm), share(baseline)];
  const se = Math.sqrt(a + b);
  if (se === 0) return { mean: d, lo: d, hi: d, n };
  const df = (a + b) ** 2 / (a ** 2 / (arm.length - 1) + b ** 2 / (baseline.length - 1));
  const half = tQuantile(0.975, df) * se;
  return { mean: d, lo: d - half, hi: d + half, n };
}

/**
 * The two difference columns of a benchmark table, arm minus baseline: paired by test example, and
 * the difference of per-seed means (Welch). `arm[s][i]`/`baseline[s][i]` are seed s's scores on test example i.
 */
export function differenceCells(arm: readonly number[][], baseline: readonly number[][]): string {
  const byExample = formatInterval(pairedDifference(arm, baseline), 3, true);
  const bySeed = formatInterval(seedDifference(arm.map(mean), baseline.map(mean)), 3, true);
  return `${byExample} | ${bySeed}`;
}

export function formatInterval(i: Interval, digits = 3, signed = false): string {
  const f = (x: number): string => (Number.isFinite(x) ? (signed && x > 0 ? '+' : '') + x.toFixed(digits) : 'n/a');
  if (!Number.isFinite(i.mean)) return 'n/a';
  return Number.isFinite(i.lo) ? `${f(i.mean)} [${f(i.lo)}, ${f(i.hi)}]` : `${f(i.mean)} (n=${i.n}, no interval)`;
}

/**
 * Calls-to-reach counts promptevo as having reached GEPA's mean test score when within 1e-4 of
 * it: token F1 of the same answers can differ by ~1e-5 per example between runs (floating point),
 * far below one example's weight (1/90 here), so this forgives rounding and nothing else.
 */
export const REACH_TOLERANCE = 1e-4;
