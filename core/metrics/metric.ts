import type { ChatMessage } from '../chat.js';
import type { Signature } from '../task/signature.js';

/** A score in 0..1 and, where it helps a reflective operator, a sentence on what went wrong. */
export interface MetricResult {
  score: number;
  feedback?: string;
}

export interface MetricContext {
  signature: Signature;
  inputs: Record<string, unknown>;
}

export type Outputs = Record<string, unknown>;

/** Computed in place, deterministically, from prediction and expected outputs. */
export interface LocalMetric {
  kind: 'local';
  name: string;
  evaluate(prediction: Outputs, expected: Outputs, ctx: MetricContext): MetricResult;
}

/** Needs a model call: core builds the messages and parses the reply; an activity calls the model. */
export interface JudgeMetric {
  kind: 'llm_judge';
  name: string;
  model: string | undefined;
  buildMessages(prediction: Outputs, expected: Outputs, ctx: MetricContext): ChatMessage[];
  parseReply(text: string): MetricResult;
}

/** A user's metric function, loaded from a module by an activity. */
export interface ModuleMetric {
  kind: 'module';
  name: string;
  path: string;
  exportName: string;
}

export interface WeightedMetric {
  kind: 'weighted';
  name: string;
  parts: { weight: number; metric: Metric }[];
}

export type Metric = LocalMetric | JudgeMetric | ModuleMetric | WeightedMetric;

/** The output fields a metric compares: the named one, or every output when none is named. */
export function comparedFields(field: string | undefined, signature: Signature): string[] {
  return field !== undefined ? [field] : Object.keys(signature.outputs);
}

export function clampScore(score: number): number {
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}

export function showValue(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? 'nothing');
}

/** Averages per-field results, keeping the feedback of the fields that lost points. */
export function averageFields(results: { field: string; result: MetricResult }[], many: boolean): MetricResult {
  if (results.length === 0) return { score: 0, feedback: 'no output fields to compare' };
  const score = results.reduce((sum, r) => sum + r.result.score, 0) / results.length;
  const notes = results
    .filter((r) => r.result.score < 1 && r.result.feedback)
    .map((r) => (many ? `${r.field}: ${r.result.feedback}` : r.result.feedback));
  return notes.length ? { score, feedback: notes.join('; ') } : { score };
}
