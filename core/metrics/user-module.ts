import { clampScore, type MetricResult, type Outputs } from './metric.js';

/**
 * What a `module` metric exports. It may return a number in 0..1 or `{ score, feedback }`,
 * synchronously or as a promise; activities load the module and call it.
 */
export type UserMetricFunction = (args: {
  prediction: Outputs;
  expected: Outputs;
  inputs: Record<string, unknown>;
}) => number | MetricResult | Promise<number | MetricResult>;

/** Checks what a user's metric returned, naming the module when it is not a usable score. */
export function normalizeUserMetricResult(value: unknown, where: string): MetricResult {
  if (typeof value === 'number' && Number.isFinite(value)) return { score: clampScore(value) };
  if (value && typeof value === 'object' && typeof (value as MetricResult).score === 'number') {
    const { score, feedback } = value as MetricResult;
    if (!Number.isFinite(score))
      throw new Error(`${where}: metric returned a non-finite score (${score}); return a number from 0 to 1`);
    return typeof feedback === 'string' && feedback !== ''
      ? { score: clampScore(score), feedback }
      : { score: clampScore(score) };
  }
  throw new Error(
    `${where}: metric returned ${JSON.stringify(value) ?? String(value)}; return a number from 0 to 1 or { score, feedback }`,
  );
}
