import { Rng } from '../rng.js';

/** A seeded paired bootstrap of the mean of per-example differences (second version − first). */
export interface PairedBootstrap {
  resamples: number;
  /** One-sided: (1 + resamples whose mean difference is ≤ 0) / (resamples + 1), so never 0. */
  pValue: number;
  /** Percentile interval of the resampled means. */
  ci: { level: number; low: number; high: number };
}

export interface PairedBootstrapOptions {
  resamples: number;
  /** Two-sided coverage of `ci`, e.g. 0.9. */
  level: number;
  seed: number | string;
}

/** A resampled mean this close to 0 counts as no gain: differences like 0.7 − 0.6 carry rounding. */
const NO_GAIN_TOLERANCE = 1e-12;

/**
 * Resamples example indices with replacement (the pairs stay together), `resamples` times, and
 * reads the p-value and interval off the resampled means. The draws come from `Rng.fromSeed(seed)`,
 * so the same differences and seed give the same answer on every machine. Costs resamples × n draws.
 */
export function pairedBootstrap(differences: readonly number[], options: PairedBootstrapOptions): PairedBootstrap {
  const n = differences.length;
  if (n === 0) throw new Error('pairedBootstrap: no differences to resample; score at least one example');
  const { resamples, level, seed } = options;
  const rng = Rng.fromSeed(seed);
  const means = new Float64Array(resamples);
  let noGain = 0;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[rng.int(n)]!;
    const mean = sum / n;
    means[r] = mean;
    if (mean <= NO_GAIN_TOLERANCE) noGain++;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return {
    resamples,
    pValue: (1 + noGain) / (resamples + 1),
    ci: { level, low: quantile(means, tail), high: quantile(means, 1 - tail) },
  };
}

/** Linear interpolation between order statistics (R's type 7) of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}
