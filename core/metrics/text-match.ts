import { compileSafeRegex } from './safe-regex.js';
import { averageFields, comparedFields, type LocalMetric, showValue } from './metric.js';

const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/** 1 when the field contains a fixed substring, or (without one) the expected value. */
export function containsMetric(options: { field?: string; value?: string; caseSensitive?: boolean }): LocalMetric {
  const fold = (text: string): string => (options.caseSensitive ? text : text.toLowerCase());
  return {
    kind: 'local',
    name: 'contains',
    evaluate(prediction, expected, ctx) {
      const fields = comparedFields(options.field, ctx.signature);
      const results = fields.map((field) => {
        const needle = options.value ?? asText(expected[field]);
        const hit = fold(asText(prediction[field])).includes(fold(needle));
        return {
          field,
          result: hit ? { score: 1 } : { score: 0, feedback: `answer does not contain ${showValue(needle)}` },
        };
      });
      return averageFields(results, fields.length > 1);
    },
  };
}

/**
 * 1 when the field matches the pattern (checked when the spec was parsed). RE2 semantics, so a
 * task's pattern matches in linear time and cannot stall a worker (see safe-regex.ts).
 */
export function regexMetric(options: { field?: string; pattern: string; flags?: string }): LocalMetric {
  const pattern = compileSafeRegex(options.pattern, options.flags ?? '');
  return {
    kind: 'local',
    name: 'regex',
    evaluate(prediction, _expected, ctx) {
      const fields = comparedFields(options.field, ctx.signature);
      const results = fields.map((field) => {
        const hit = pattern.test(asText(prediction[field]));
        return {
          field,
          result: hit
            ? { score: 1 }
            : { score: 0, feedback: `${showValue(prediction[field])} does not match /${options.pattern}/` },
        };
      });
      return averageFields(results, fields.length > 1);
    },
  };
}
