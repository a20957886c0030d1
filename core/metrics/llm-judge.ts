import type { ChatMessage } from '../chat.js';
import { renderFields } from '../genome/render-fields.js';
import { clampScore, type JudgeMetric, type MetricResult, type Outputs } from './metric.js';

/**
 * An LLM judge grades an answer against a rubric on a 0-10 scale and explains itself in
 * one sentence; the explanation becomes the metric feedback that reflective mutation reads.
 */
export function buildJudgeMessages(
  rubric: string,
  inputs: Record<string, unknown>,
  prediction: Outputs,
  expected: Outputs | undefined,
): ChatMessage[] {
  const parts = [
    'Grade the answer below against the rubric.',
    `Rubric:\n${rubric.trim()}`,
    `Inputs:\n${indent(renderFields(inputs))}`,
    ...(expected ? [`Reference answer:\n${indent(JSON.stringify(expected, null, 2))}`] : []),
    `Answer to grade:\n${indent(JSON.stringify(prediction, null, 2))}`,
    'Reply with a JSON object: {"score": <integer 0-10>, "feedback": "<one sentence on what is wrong or right>"}.',
  ];
  return [
    { role: 'system', content: 'You are a strict, consistent grader. Judge only by the rubric.' },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

/** Accepts JSON (bare, fenced or in prose) or a "score: 7" line; scores are out of 10 unless ≤ 1. */
export function parseJudgeReply(text: string): MetricResult {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  let score: number | undefined;
  let feedback: string | undefined;
  if (json) {
    try {
      const parsed = JSON.parse(json) as { score?: unknown; feedback?: unknown };
      score = typeof parsed.score === 'number' ? parsed.score : Number(parsed.score);
      feedback = typeof parsed.feedback === 'string' ? parsed.feedback : undefined;
    } catch {
      score = undefined;
    }
  }
  if (score === undefined || !Number.isFinite(score)) {
    const match = /score\W{0,3}(\d+(?:\.\d+)?)(?:\s*\/\s*(\d+))?/i.exec(text);
    if (match) score = Number(match[1]) / (match[2] ? Number(match[2]) / 10 : 1);
  }
  if (score === undefined || !Number.isFinite(score)) {
    return { score: 0, feedback: `judge reply had no score: ${JSON.stringify(text.slice(0, 200))}` };
  }
  const normalized = score > 1 ? score / 10 : score;
  return { score: clampScore(normalized), feedback: feedback ?? `judge score ${score}` };
}

export function llmJudgeMetric(options: { rubric: string; model?: string }): JudgeMetric {
  return {
    kind: 'llm_judge',
    name: 'llm_judge',
    model: options.model,
    buildMessages: (prediction, expected, ctx) => buildJudgeMessages(options.rubric, ctx.inputs, prediction, expected),
    parseReply: parseJudgeReply,
  };
}
