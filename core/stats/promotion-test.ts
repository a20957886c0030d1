import { exactMcnemarPValue } from './mcnemar.js';
import { pairedBootstrap } from './paired-bootstrap.js';

/**
 * Gates for promoting a challenger over a champion scored on the same examples. `alpha`: the
 * one-sided significance level. `minEffect`: the smallest mean gain (scores in 0..1) worth a
 * change, one point of accuracy; at alpha 0.05 a gain that small is significant only on sets of
 * several hundred to thousands of examples, so the gate binds just where significance alone would
 * promote a negligible change. `minN`: below about 30 pairs the percentile bootstrap's interval is
 * too narrow (its spread is biased by (n − 1)/n and a skewed mean is not yet near normal), and a
 * set that small does not stand for the traffic a production label serves.
 */
export const PROMOTION_DEFAULTS = { alpha: 0.05, minEffect: 0.01, minN: 30, resamples: 10_000, seed: 0 } as const;

export interface PromotionOptions {
  alpha?: number;
  minEffect?: number;
  minN?: number;
  /** Bootstrap resamples: the interval always, the p-value too for graded scores. */
  resamples?: number;
  /** Seeds the bootstrap; the same scores and seed give the same verdict. */
  seed?: number | string;
}

export type PromotionRefusal = 'too_few_examples' | 'not_significant' | 'effect_too_small';

export interface PromotionVerdict {
  decision: 'promote' | 'refuse';
  /** Every gate that failed, in the order above; empty exactly when the decision is `promote`. */
  reasons: PromotionRefusal[];
  /** `mcnemar_exact` when every score is 0 or 1, `paired_bootstrap` otherwise, `none` for no examples. */
  test: 'mcnemar_exact' | 'paired_bootstrap' | 'none';
  n: number;
  /** One-sided: how likely a gain this large is if the challenger were no better. */
  pValue: number;
  /** Mean of challenger − champion. */
  meanDifference: number;
  /** Percentile bootstrap interval of the mean difference at 1 − 2·alpha, matching the one-sided test; null for no examples. */
  ci: { level: number; low: number; high: number } | null;
  /** Binary scores only: examples only the champion gets right (b), and only the challenger (c). */
  discordant?: { championBetter: number; challengerBetter: number };
  settings: { alpha: number; minEffect: number; minN: number; resamples: number; seed: number | string };
  /** One line for a person: the decision, the effect, the test and every failed gate. */
  explanation: string;
}

/** Floating-point slack for the effect gate: 30 graded differences can sum to 0.0099999… for 0.01. */
const EFFECT_TOLERANCE = 1e-12;

/**
 * Decides whether `challenger` is significantly better than `champion` on paired per-example
 * scores (index i is the same example in both). Binary scores get a one-sided exact McNemar test
 * on the discordant pairs; graded scores a seeded paired bootstrap of the mean difference.
 */
export function promotionTest(
  champion: readonly number[],
  challenger: readonly number[],
  options: PromotionOptions = {},
): PromotionVerdict {
  const settings = validatedSettings(options);
  checkScores(champion, challenger);
  const n = champion.length;
  const differences = champion.map((score, i) => challenger[i]! - score);
  const meanDifference = n === 0 ? 0 : differences.reduce((sum, d) => sum + d, 0) / n;
  const base = { n, meanDifference, settings };
  if (n === 0) {
    return withDecision({ ...base, test: 'none', pValue: 1, ci: null }, ['too_few_examples']);
  }
  const level = 1 - 2 * settings.alpha;
  const bootstrap = pairedBootstrap(differences, { resamples: settings.resamples, level, seed: settings.seed });
  const binary = [...champion, ...challenger].every((score) => score === 0 || score === 1);
  const challengerBetter = differences.filter((d) => d > 0).length;
  const championBetter = differences.filter((d) => d < 0).length;
  const measured: Measured = binary
    ? {
        ...base,
        test: 'mcnemar_exact',
        pValue: exactMcnemarPValue(challengerBetter, championBetter),
        ci: bootstrap.ci,
        discordant: { championBetter, challengerBetter },
      }
    : { ...base, test: 'paired_bootstrap', pValue: bootstrap.pValue, ci: bootstrap.ci };
  const reasons: PromotionRefusal[] = [];
  if (n < settings.minN) reasons.push('too_few_examples');
  if (!(measured.pValue < settings.alpha)) reasons.push('not_significant');
  if (meanDifference < settings.minEffect - EFFECT_TOLERANCE) reasons.push('effect_too_small');
  return withDecision(measured, reasons);
}

type Measured = Omit<PromotionVerdict, 'decision' | 'reasons' | 'explanation'>;

function withDecision(measured: Measured, reasons: PromotionRefusal[]): PromotionVerdict {
  const decision = reasons.length === 0 ? 'promote' : 'refuse';
  return { decision, reasons, ...measured, explanation: explain(decision, reasons, measured) };
}

function validatedSettings(options: PromotionOptions): PromotionVerdict['settings'] {
  const settings = { ...PROMOTION_DEFAULTS, ...dropUndefined(options) };
  const { alpha, minEffect, minN, resamples } = settings;
  const problems: string[] = [];
  if (!(alpha > 0 && alpha < 0.5)) problems.push(`alpha must be between 0 and 0.5, got ${alpha}`);
  if (!(minEffect >= 0 && Number.isFinite(minEffect))) problems.push(`minEffect must be ≥ 0, got ${minEffect}`);
  if (!(Number.isInteger(minN) && minN >= 1)) problems.push(`minN must be a positive integer, got ${minN}`);
  if (!Number.isInteger(resamples) || resamples < 1) {
    problems.push(`resamples must be a positive integer, got ${resamples}`);
  } else if (1 / (resamples + 1) >= alpha) {
    problems.push(`resamples ${resamples} cannot reach p < ${alpha}; use at least ${Math.ceil(1 / alpha)}`);
  }
  if (problems.length > 0) throw new Error(`promotionTest: ${problems.join('; ')}`);
  return settings;
}

function dropUndefined(options: PromotionOptions): PromotionOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function checkScores(champion: readonly number[], challenger: readonly number[]): void {
  if (champion.length !== challenger.length) {
    throw new Error(
      `promotionTest: champion has ${champion.length} scores and challenger ${challenger.length}; ` +
        'score both on the same examples, in the same order',
    );
  }
  for (const [who, scores] of [
    ['champion', champion],
    ['challenger', challenger],
  ] as const) {
    const i = scores.findIndex((score) => typeof score !== 'number' || !Number.isFinite(score));
    if (i >= 0) {
      throw new Error(
        `promotionTest: ${who} score at index ${i} is ${String(scores[i])}; every example needs a finite ` +
          'score (score a failed answer 0 rather than leaving it out)',
      );
    }
  }
}

function explain(decision: PromotionVerdict['decision'], reasons: PromotionRefusal[], m: Measured): string {
  const { alpha, minEffect, minN } = m.settings;
  if (m.n === 0) return `refuse: no examples scored (need at least ${minN})`;
  const ci = m.ci ? ` (${Math.round(m.ci.level * 100)}% CI ${signed(m.ci.low)} to ${signed(m.ci.high)})` : '';
  const effect = `challenger ${signed(m.meanDifference)}${ci} over champion on ${m.n} examples`;
  const test = m.discordant
    ? `exact McNemar, ${m.discordant.challengerBetter} vs ${m.discordant.championBetter} discordant, p = ${pText(m.pValue)}`
    : `paired bootstrap, p = ${pText(m.pValue)}`;
  const failed = reasons.map((reason) => {
    if (reason === 'too_few_examples') return `${m.n} examples < ${minN}`;
    if (reason === 'not_significant') return `p ≥ ${alpha}`;
    return `mean difference below ${minEffect}`;
  });
  return decision === 'promote'
    ? `promote: ${effect}; ${test} < ${alpha}`
    : `refuse (${failed.join(', ')}): ${effect}; ${test}`;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
}

function pText(p: number): string {
  return p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(3)));
}
