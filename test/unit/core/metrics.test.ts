import { describe, expect, it } from 'vitest';
import {
  buildJudgeMessages,
  metricFromSpec,
  normalizeUserMetricResult,
  parseJudgeReply,
  parseModelOutput,
  scoreMetric,
  unparsedOutputResult,
  type Metric,
  type MetricResult,
} from '../../../core/index.js';
import { ticketSignature } from './fixtures.js';

const ctx = { signature: ticketSignature, inputs: { ticket: 'Refund please', priority: 1 } };
const local = (
  metric: Metric,
  prediction: Record<string, unknown>,
  expected: Record<string, unknown>,
): MetricResult => {
  if (metric.kind !== 'local') throw new Error('expected a local metric');
  return metric.evaluate(prediction, expected, ctx);
};

describe('metrics', () => {
  it('exact_match ignores case and whitespace and explains a miss', () => {
    const metric = metricFromSpec({ kind: 'exact_match', field: 'label', caseSensitive: false }, ticketSignature);
    expect(local(metric, { label: ' Escalation ' }, { label: 'escalation' })).toEqual({ score: 1 });
    expect(local(metric, { label: 'billing' }, { label: 'escalation' })).toEqual({
      score: 0,
      feedback: 'expected label "escalation", got "billing"',
    });
  });

  it('numeric scales the error by the field range and says by how much it was off', () => {
    const metric = metricFromSpec({ kind: 'numeric', field: 'confidence', tolerance: 0.5 }, ticketSignature);
    expect(local(metric, { confidence: 7.4 }, { confidence: 7 }).score).toBe(1);
    const miss = local(metric, { confidence: 8 }, { confidence: 4.5 });
    expect(miss.score).toBeCloseTo(0.65);
    expect(miss.feedback).toContain('off by 3.5 on a 0-10 scale');
    expect(miss.feedback).toContain('too high');
  });

  it('token_f1, contains and regex score partial and textual answers', () => {
    const sig = { inputs: { q: { type: 'string' as const } }, outputs: { answer: { type: 'string' as const } } };
    const f1 = metricFromSpec({ kind: 'token_f1' }, sig);
    const result =
      f1.kind === 'local'
        ? f1.evaluate({ answer: 'the Eiffel tower' }, { answer: 'Eiffel Tower, Paris' }, { signature: sig, inputs: {} })
        : undefined;
    expect(result?.score).toBeCloseTo(0.8);
    expect(result?.feedback).toContain('missing words: paris');
    const contains = metricFromSpec({ kind: 'contains', caseSensitive: false }, sig);
    expect(
      contains.kind === 'local' &&
        contains.evaluate({ answer: 'It is PARIS.' }, { answer: 'paris' }, { signature: sig, inputs: {} }).score,
    ).toBe(1);
    const regex = metricFromSpec({ kind: 'regex', pattern: '^SELECT\\b', flags: 'i' }, sig);
    const miss =
      regex.kind === 'local'
        ? regex.evaluate({ answer: 'DROP TABLE x' }, {}, { signature: sig, inputs: {} })
        : undefined;
    expect(miss).toEqual({ score: 0, feedback: '"DROP TABLE x" does not match /^SELECT\\b/' });
  });

  it('json_schema_valid checks the answer against the signature schema by default', () => {
    const metric = metricFromSpec({ kind: 'json_schema_valid' }, ticketSignature);
    expect(local(metric, { label: 'billing', confidence: 3 }, {}).score).toBe(1);
    const bad = local(metric, { label: 'sales', confidence: 3 }, {});
    expect(bad.score).toBe(0);
    expect(bad.feedback).toContain('/label must be equal to one of the allowed values');
  });

  it('weighted combines parts by weight and keeps the feedback of the parts that lost points', async () => {
    const metric = metricFromSpec(
      {
        kind: 'weighted',
        metrics: [
          { weight: 3, metric: { kind: 'exact_match', field: 'label', caseSensitive: false } },
          { weight: 1, metric: { kind: 'numeric', field: 'confidence', tolerance: 0 } },
        ],
      },
      ticketSignature,
    );
    const result = await scoreMetric(
      metric,
      { label: 'billing', confidence: 5 },
      { label: 'billing', confidence: 10 },
      ctx,
    );
    expect(result.score).toBeCloseTo(0.875);
    expect(result.feedback).toContain('numeric (weight 1): off by 5 on a 0-10 scale');
  });

  it('llm_judge builds a grading prompt and parses the verdict; external metrics need a scorer', async () => {
    const messages = buildJudgeMessages(
      'Is the team right?',
      ctx.inputs,
      { label: 'billing' },
      { label: 'escalation' },
    );
    expect(messages.at(-1)!.content).toContain('ticket: Refund please');
    expect(messages.at(-1)!.content).toContain('Rubric:\nIs the team right?');
    expect(parseJudgeReply('```json\n{"score": 7, "feedback": "close"}\n```')).toEqual({
      score: 0.7,
      feedback: 'close',
    });
    expect(parseJudgeReply('Score: 4/5')).toMatchObject({ score: 0.8 });
    expect(parseJudgeReply('no idea')).toMatchObject({ score: 0 });
    const judge = metricFromSpec({ kind: 'llm_judge', rubric: 'r' }, ticketSignature);
    await expect(scoreMetric(judge, {}, {}, ctx)).rejects.toThrow(/ExternalScorer/);
    expect(await scoreMetric(judge, {}, {}, ctx, () => Promise.resolve({ score: 0.5 }))).toEqual({ score: 0.5 });
  });

  it('checks what a user metric module returns', () => {
    expect(normalizeUserMetricResult(0.4, 'metrics/seller.ts')).toEqual({ score: 0.4 });
    expect(normalizeUserMetricResult({ score: 2, feedback: 'x' }, 'm')).toEqual({ score: 1, feedback: 'x' });
    expect(() => normalizeUserMetricResult('good', 'metrics/seller.ts')).toThrow(
      /metrics\/seller\.ts: metric returned "good"/,
    );
  });

  it('scores an output that is not JSON as 0 with the parse failure as feedback', () => {
    const parsed = parseModelOutput('I think this should go to the billing team.', ticketSignature);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const result = unparsedOutputResult(parsed.feedback);
    expect(result.score).toBe(0);
    expect(result.feedback).toContain('the output could not be parsed');
    expect(result.feedback).toContain('"label", "confidence"');
  });
});
