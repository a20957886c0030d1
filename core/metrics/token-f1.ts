import { averageFields, comparedFields, type LocalMetric } from './metric.js';

/** SQuAD-style token F1: lower-cased word overlap, punctuation and articles ignored. */
export function tokenize(value: unknown): string[] {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((t) => t !== '' && !['a', 'an', 'the'].includes(t));
}

export function tokenF1(predicted: unknown, expected: unknown): number {
  const got = tokenize(predicted);
  const want = tokenize(expected);
  if (got.length === 0 || want.length === 0) return got.length === want.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of want) counts.set(t, (counts.get(t) ?? 0) + 1);
  let overlap = 0;
  for (const t of got) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      overlap++;
      counts.set(t, left - 1);
    }
  }
  if (overlap === 0) return 0;
  const precision = overlap / got.length;
  const recall = overlap / want.length;
  return (2 * precision * recall) / (precision + recall);
}

export function tokenF1Metric(options: { field?: string }): LocalMetric {
  return {
    kind: 'local',
    name: 'token_f1',
    evaluate(prediction, expected, ctx) {
      const fields = comparedFields(options.field, ctx.signature);
      const results = fields.map((field) => {
        const score = tokenF1(prediction[field], expected[field]);
        const missing = tokenize(expected[field]).filter((t) => !tokenize(prediction[field]).includes(t));
        const feedback =
          score < 1
            ? `token F1 ${score.toFixed(2)}${missing.length ? `; missing words: ${missing.slice(0, 8).join(', ')}` : '; extra words in the answer'}`
            : undefined;
        return { field, result: feedback ? { score, feedback } : { score } };
      });
      return averageFields(results, fields.length > 1);
    },
  };
}
