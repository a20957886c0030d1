import { Ajv, type ValidateFunction } from 'ajv';
import { outputsJsonSchema } from '../task/signature-json-schema.js';
import type { LocalMetric } from './metric.js';

/**
 * 1 when the answer (or one field, parsed as JSON when it is a string) validates against
 * the given JSON Schema, or against the signature's output schema when none is given.
 * Validators are compiled once per metric instance.
 */
export function jsonSchemaValidMetric(options: { field?: string; schema?: Record<string, unknown> }): LocalMetric {
  const ajv = new Ajv({ allErrors: true, strict: false });
  let validate: ValidateFunction | undefined;
  return {
    kind: 'local',
    name: 'json_schema_valid',
    evaluate(prediction, _expected, ctx) {
      validate ??= ajv.compile(options.schema ?? outputsJsonSchema(ctx.signature));
      let value: unknown = options.field === undefined ? prediction : prediction[options.field];
      if (typeof value === 'string') {
        try {
          value = JSON.parse(value) as unknown;
        } catch (error) {
          return { score: 0, feedback: `not JSON: ${(error as Error).message}` };
        }
      }
      if (validate(value)) return { score: 1 };
      const problems = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
      return { score: 0, feedback: `does not match the schema: ${problems.join('; ')}` };
    },
  };
}
