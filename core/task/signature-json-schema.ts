import type { OutputType, Signature } from './signature.js';

/**
 * JSON Schema for structured output, in the subset OpenAI's strict `json_schema` mode
 * accepts: every property required, `additionalProperties: false`, no optional members.
 */
export type JsonSchema = Record<string, unknown>;

export function outputTypeJsonSchema(type: OutputType): JsonSchema {
  const withDescription = (schema: JsonSchema): JsonSchema =>
    type.description ? { ...schema, description: type.description } : schema;
  switch (type.type) {
    case 'string':
      return withDescription({ type: 'string' });
    case 'boolean':
      return withDescription({ type: 'boolean' });
    case 'number': {
      const schema: JsonSchema = { type: type.integer ? 'integer' : 'number' };
      if (type.min !== undefined) schema.minimum = type.min;
      if (type.max !== undefined) schema.maximum = type.max;
      return withDescription(schema);
    }
    case 'enum':
      return withDescription({ type: 'string', enum: [...type.values] });
    case 'list':
      return withDescription({ type: 'array', items: outputTypeJsonSchema(type.items) });
    case 'object':
      return withDescription(objectSchema(type.fields));
  }
}

function objectSchema(fields: Record<string, OutputType>, leading: Record<string, JsonSchema> = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...leading };
  for (const [name, type] of Object.entries(fields)) properties[name] = outputTypeJsonSchema(type);
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

/** The schema of a whole answer; with `reasoning`, a `reasoning` string comes first so the model thinks before answering. */
export function outputsJsonSchema(signature: Signature, options: { reasoning?: boolean } = {}): JsonSchema {
  const leading: Record<string, JsonSchema> = options.reasoning
    ? { reasoning: { type: 'string', description: 'Step-by-step reasoning written before the answer.' } }
    : {};
  return objectSchema(signature.outputs, leading);
}

export interface ResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; strict: true; schema: JsonSchema };
}

/** The `response_format` request member for a signature. */
export function responseFormatFor(
  signature: Signature,
  options: { reasoning?: boolean; name?: string } = {},
): ResponseFormat {
  const name = (options.name ?? 'task_output').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return { type: 'json_schema', json_schema: { name, strict: true, schema: outputsJsonSchema(signature, options) } };
}
