import type { MetricSpec } from '../task/metric-spec.js';
import type { Signature } from '../task/signature.js';
import { exactMatchMetric } from './exact-match.js';
import { jsonSchemaValidMetric } from './json-schema-valid.js';
import { llmJudgeMetric } from './llm-judge.js';
import type { Metric, MetricResult, MetricContext, Outputs, JudgeMetric, ModuleMetric } from './metric.js';

export type { JudgeMetric, Metric, MetricContext, MetricResult, ModuleMetric } from './metric.js';
import { numericMetric } from './numeric.js';
import { containsMetric, regexMetric } from './text-match.js';
import { tokenF1Metric } from './token-f1.js';

/** Builds the metric a spec describes; the signature fills in defaults such as the numeric field. */
export function metricFromSpec(spec: MetricSpec, signature: Signature): Metric {
  switch (spec.kind) {
    case 'exact_match':
      return exactMatchMetric(spec);
    case 'numeric': {
      const numericFields = Object.keys(signature.outputs).filter((f) => signature.outputs[f]?.type === 'number');
      const field = spec.field ?? (numericFields.length === 1 ? numericFields[0] : undefined);
      if (field === undefined) throw new Error('numeric metric: name the output field to compare in metric.field');
      return numericMetric({ ...spec, field });
    }
    case 'token_f1':
      return tokenF1Metric(spec);
    case 'contains':
      return containsMetric(spec);
    case 'regex':
      return regexMetric(spec);
    case 'json_schema_valid':
      return jsonSchemaValidMetric(spec);
    case 'llm_judge':
      return llmJudgeMetric(spec);
    case 'module':
      return { kind: 'module', name: `module:${spec.path}#${spec.export}`, path: spec.path, exportName: spec.export };
    case 'weighted':
      return {
        kind: 'weighted',
        name: 'weighted',
        parts: spec.metrics.map((part) => ({ weight: part.weight, metric: metricFromSpec(part.metric, signature) })),
      };
  }
}

/** Scores metrics that need the outside world (a judge call, a user module); supplied by activities. */
export type ExternalScorer = (
  metric: JudgeMetric | ModuleMetric,
  prediction: Outputs,
  expected: Outputs,
  ctx: MetricContext,
) => Promise<MetricResult>;

const localOnly: ExternalScorer = (metric) =>
  Promise.reject(
    new Error(
      `metric "${metric.name}" needs a model call or a user module; score it from an activity with an ExternalScorer`,
    ),
  );

/** Scores any metric; weighted parts are averaged by weight and their feedback joined. */
export async function scoreMetric(
  metric: Metric,
  prediction: Outputs,
  expected: Outputs,
  ctx: MetricContext,
  external: ExternalScorer = localOnly,
): Promise<MetricResult> {
  if (metric.kind === 'local') return metric.evaluate(prediction, expected, ctx);
  if (metric.kind !== 'weighted') return external(metric, prediction, expected, ctx);
  const parts = await Promise.all(
    metric.parts.map(async (p) => ({ ...p, result: await scoreMetric(p.metric, prediction, expected, ctx, external) })),
  );
  return combineWeighted(parts.map((p) => ({ weight: p.weight, name: p.metric.name, result: p.result })));
}

export function combineWeighted(parts: { weight: number; name: string; result: MetricResult }[]): MetricResult {
  const total = parts.reduce((sum, p) => sum + p.weight, 0);
  if (!(total > 0)) return { score: 0, feedback: 'weighted metric has no positive weights' };
  const score = parts.reduce((sum, p) => sum + p.weight * p.result.score, 0) / total;
  const notes = parts
    .filter((p) => p.result.feedback && p.result.score < 1)
    .map((p) => `${p.name} (weight ${p.weight}): ${p.result.feedback}`);
  return notes.length ? { score, feedback: notes.join('; ') } : { score };
}

/** The score of an answer that could not be parsed: 0, with the parser's explanation. */
export function unparsedOutputResult(feedback: string): MetricResult {
  return { score: 0, feedback: `the output could not be parsed: ${feedback}` };
}
