import { describe, expect, it } from 'vitest';
import { outputsJsonSchema, outputsValidator, responseFormatFor, type Signature } from '../../../core/index.js';
import { ticketSignature } from './fixtures.js';

const nested: Signature = {
  inputs: { text: { type: 'string' } },
  outputs: {
    entities: {
      type: 'list',
      items: {
        type: 'object',
        fields: { name: { type: 'string' }, kind: { type: 'enum', values: ['person', 'org'] } },
      },
    },
    valid: { type: 'boolean' },
  },
};

interface Schema {
  required: string[];
  additionalProperties: boolean;
  properties: Record<string, Schema & { items: Schema; enum?: string[] }>;
}

describe('signature JSON schema', () => {
  it('is strict-mode compatible at every level: all properties required, no additional properties', () => {
    const schema = outputsJsonSchema(nested) as unknown as Schema;
    expect(schema.required).toEqual(['entities', 'valid']);
    expect(schema.additionalProperties).toBe(false);
    const item = schema.properties.entities!.items;
    expect(item.required).toEqual(['name', 'kind']);
    expect(item.additionalProperties).toBe(false);
    expect(item.properties.kind!.enum).toEqual(['person', 'org']);
  });

  it('puts reasoning first for think-then-answer and wraps it as a response_format', () => {
    const format = responseFormatFor(ticketSignature, { reasoning: true });
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    expect(Object.keys(format.json_schema.schema.properties as object)).toEqual(['reasoning', 'label', 'confidence']);
    expect((format.json_schema.schema as unknown as Schema).properties.confidence).toMatchObject({
      minimum: 0,
      maximum: 10,
    });
  });
});

describe('outputsValidator', () => {
  it('accepts a correct answer and rejects out-of-range numbers and unknown labels', () => {
    const validator = outputsValidator(ticketSignature);
    expect(validator.safeParse({ label: 'billing', confidence: 7 }).success).toBe(true);
    expect(validator.safeParse({ label: 'sales', confidence: 7 }).success).toBe(false);
    expect(validator.safeParse({ label: 'billing', confidence: 11 }).success).toBe(false);
  });
});
