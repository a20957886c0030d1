import { clampScore, type LocalMetric, showValue } from './metric.js';

/**
 * Full marks within `tolerance`; beyond it the score falls linearly with the absolute
 * error measured against the range (explicit, or the output field's min/max). Without
 * a range any miss beyond tolerance scores 0.
 */
export function numericMetric(options: {
  field: string;
  tolerance?: number;
  range?: { min: number; max: number };
}): LocalMetric {
  const tolerance = options.tolerance ?? 0;
  return {
    kind: 'local',
    name: 'numeric',
    evaluate(prediction, expected, ctx) {
      const type = ctx.signature.outputs[options.field];
      const range =
        options.range ??
        (type?.type === 'number' && type.min !== undefined && type.max !== undefined
          ? { min: type.min, max: type.max }
          : undefined);
      const got = Number(prediction[options.field]);
      const want = Number(expected[options.field]);
      if (!Number.isFinite(want))
        return { score: 0, feedback: `expected value ${showValue(expected[options.field])} is not a number` };
      if (prediction[options.field] === undefined || !Number.isFinite(got)) {
        return { score: 0, feedback: `expected a number near ${want}, got ${showValue(prediction[options.field])}` };
      }
      const error = Math.abs(got - want);
      if (error <= tolerance) return { score: 1 };
      const scale = range ? ` on a ${range.min}-${range.max} scale` : '';
      const direction = got > want ? 'too high' : 'too low';
      const feedback = `off by ${round(error)}${scale} (expected ${want}, got ${got}: ${direction})`;
      if (!range) return { score: 0, feedback };
      return { score: clampScore(1 - error / (range.max - range.min)), feedback };
    },
  };
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
