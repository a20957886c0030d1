import { z } from 'zod';
import type { OutputType, Signature } from './signature.js';

/** Zod validator for one output type; enums and bounds are enforced, coercion is not (see parse-output). */
export function outputTypeValidator(type: OutputType): z.ZodType {
  switch (type.type) {
    case 'string':
      return z.string();
    case 'boolean':
      return z.boolean();
    case 'number': {
      let schema = type.integer ? z.number().int() : z.number();
      if (type.min !== undefined) schema = schema.min(type.min);
      if (type.max !== undefined) schema = schema.max(type.max);
      return schema;
    }
    case 'enum':
      return z.enum(type.values as [string, ...string[]]);
    case 'list':
      return z.array(outputTypeValidator(type.items));
    case 'object':
      return z.object(fieldValidators(type.fields));
  }
}

function fieldValidators(fields: Record<string, OutputType>): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(fields).map(([name, type]) => [name, outputTypeValidator(type)]));
}

/**
 * Validator for a model's whole answer. Unknown extra keys are stripped rather than
 * rejected: small models add chatter fields, and the metric only reads declared ones.
 */
export function outputsValidator(signature: Signature, options: { reasoning?: boolean } = {}): z.ZodType {
  const shape = fieldValidators(signature.outputs);
  if (options.reasoning) shape.reasoning = z.string().optional();
  return z.object(shape);
}

/** Validator for one dataset row's inputs; `json` inputs accept any JSON value. */
export function inputsValidator(signature: Signature): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(signature.inputs)) {
    shape[name] =
      field.type === 'string'
        ? z.string()
        : field.type === 'number'
          ? z.number()
          : field.type === 'boolean'
            ? z.boolean()
            : z.unknown().refine((v) => v !== undefined, 'required');
  }
  return z.object(shape);
}
