import { Rng } from '../rng.js';
import { exactMcnemarPValue } from './mcnemar.js';

/** Is `b` better than `a` on the same examples? One-sided, paired. */
export interface PairedComparison {
  method: 'mcnemar_exact' | 'sign_flip_permutation';
  /** Examples compared (both scored). */
  n: number;
  /** Mean of b − a. */
  meanDifference: number;
  /** Probability of a difference at least this large in b's favour if the two were equally good. */
  pValue: number;
  /** Binary scores only: examples b gets right and a wrong, and the other way round. */
  discordant?: { better: number; worse: number };
  alpha: number;
  significant: boolean;
}

/** Monte Carlo draws for the permutation test beyond the sizes enumerated exactly. */
const PERMUTATIONS = 20_000;
const EXACT_UP_TO = 16;

/**
 * Paired one-sided test of b over a. When every score is 0 or 1 it is the exact McNemar test: a
 * binomial tail on the discordant pairs (`exactMcnemarPValue`). Otherwise it is a sign-flip
 * permutation test of the mean difference, exact for up to 16 non-zero differences and seeded Monte
 * Carlo beyond, so the same scores give the same p.
 */
export function pairedComparison(a: readonly number[], b: readonly number[], alpha = 0.05): PairedComparison {
  if (a.length !== b.length) throw new Error(`pairedComparison: ${a.length} scores against ${b.length}`);
  const n = a.length;
  const diffs = a.map((x, i) => b[i]! - x);
  const meanDifference = n === 0 ? 0 : diffs.reduce((s, d) => s + d, 0) / n;
  const binary = [...a, ...b].every((x) => x === 0 || x === 1);
  if (binary) {
    const better = diffs.filter((d) => d > 0).length;
    const worse = diffs.filter((d) => d < 0).length;
    const pValue = exactMcnemarPValue(better, worse);
    return {
      method: 'mcnemar_exact',
      n,
      meanDifference,
      pValue,
      discordant: { better, worse },
      alpha,
      significant: pValue < alpha,
    };
  }
  const pValue = signFlipPValue(diffs.filter((d) => d !== 0));
  return { method: 'sign_flip_permutation', n, meanDifference, pValue, alpha, significant: pValue < alpha };
}

/** P(sum of randomly signed |d| ≥ observed sum) under the null of exchangeable signs. */
function signFlipPValue(diffs: readonly number[]): number {
  const m = diffs.length;
  if (m === 0) return 1;
  const observed = diffs.reduce((s, d) => s + d, 0);
  const size = diffs.map(Math.abs);
  const tolerance = 1e-9;
  if (m <= EXACT_UP_TO) {
    let atLeast = 0;
    for (let mask = 0; mask < 2 ** m; mask++) {
      let total = 0;
      for (let i = 0; i < m; i++) total += mask & (1 << i) ? size[i]! : -size[i]!;
      if (total >= observed - tolerance) atLeast++;
    }
    return atLeast / 2 ** m;
  }
  const rng = Rng.fromSeed(`sign-flip:${m}:${observed.toFixed(6)}`);
  let atLeast = 1; // the observed assignment counts, so p is never 0
  for (let draw = 0; draw < PERMUTATIONS; draw++) {
    let total = 0;
    for (const s of size) total += rng.float() < 0.5 ? s : -s;
    if (total >= observed - tolerance) atLeast++;
  }
  return atLeast / (PERMUTATIONS + 1);
}
