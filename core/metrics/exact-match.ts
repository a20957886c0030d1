import { normalizeForComparison } from '../text.js';
import { averageFields, comparedFields, type LocalMetric, showValue } from './metric.js';

/** 1 when the field equals the expected value after trimming and collapsing whitespace (and case, by default). */
export function exactMatchMetric(options: { field?: string; caseSensitive?: boolean }): LocalMetric {
  const normalize = (value: unknown): string => {
    const text = normalizeForComparison(value);
    return options.caseSensitive && typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : text;
  };
  return {
    kind: 'local',
    name: 'exact_match',
    evaluate(prediction, expected, ctx) {
      const fields = comparedFields(options.field, ctx.signature);
      const results = fields.map((field) => {
        const hit = normalize(prediction[field]) === normalize(expected[field]);
        const label = ctx.signature.outputs[field]?.type === 'enum' ? 'label' : 'value';
        return {
          field,
          result: hit
            ? { score: 1 }
            : {
                score: 0,
                feedback: `expected ${label} ${showValue(expected[field])}, got ${showValue(prediction[field])}`,
              },
        };
      });
      return averageFields(results, fields.length > 1);
    },
  };
}
