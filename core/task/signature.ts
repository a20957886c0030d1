import { z } from 'zod';

/**
 * A signature is the contract between a task and its prompt: named inputs in, typed
 * outputs out. Field maps keep their declaration order, which is the order fields are
 * rendered and requested in.
 */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const INPUT_TYPES = ['string', 'number', 'boolean', 'json'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export interface InputField {
  type: InputType;
  description?: string;
}

export type OutputType =
  | { type: 'string'; description?: string }
  | { type: 'number'; description?: string; min?: number; max?: number; integer?: boolean }
  | { type: 'boolean'; description?: string }
  | { type: 'enum'; description?: string; values: string[] }
  | { type: 'list'; description?: string; items: OutputType }
  | { type: 'object'; description?: string; fields: Record<string, OutputType> };

export const OUTPUT_TYPES = ['string', 'number', 'boolean', 'enum', 'list', 'object'] as const;

export interface Signature {
  inputs: Record<string, InputField>;
  outputs: Record<string, OutputType>;
  /** Default reasoning style for seed prompts: `think` asks for a `reasoning` field first. */
  reasoning?: 'direct' | 'think';
}

const description = z.string().min(1).optional();
const fieldName = z.string().regex(FIELD_NAME, 'field names must be identifiers like "ticket_text"');

const inputFieldSchema = z.union([
  z.enum(INPUT_TYPES).transform((type) => ({ type })),
  z.strictObject({ type: z.enum(INPUT_TYPES).default('string'), description }),
]);

export const outputTypeSchema: z.ZodType<OutputType, unknown> = z.lazy(() =>
  z.union([
    z.enum(['string', 'number', 'boolean']).transform((type) => ({ type })),
    z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('string'), description }),
      z
        .strictObject({
          type: z.literal('number'),
          description,
          min: z.number().optional(),
          max: z.number().optional(),
          integer: z.boolean().optional(),
        })
        .refine((n) => n.min === undefined || n.max === undefined || n.min < n.max, {
          message: 'min must be below max',
        }),
      z.strictObject({ type: z.literal('boolean'), description }),
      z.strictObject({ type: z.literal('enum'), description, values: z.array(z.string().min(1)).min(1) }),
      z.strictObject({ type: z.literal('list'), description, items: outputTypeSchema }),
      z.strictObject({
        type: z.literal('object'),
        description,
        fields: z.record(fieldName, outputTypeSchema).refine((f) => Object.keys(f).length > 0, 'needs a field'),
      }),
    ]),
  ]),
);

export const signatureSchema = z.strictObject({
  inputs: z
    .record(fieldName, inputFieldSchema)
    .refine((f) => Object.keys(f).length > 0, 'a signature needs at least one input field'),
  outputs: z
    .record(fieldName, outputTypeSchema)
    .refine((f) => Object.keys(f).length > 0, 'a signature needs at least one output field')
    .refine((f) => !('reasoning' in f), '"reasoning" is reserved for think-then-answer; rename the output field'),
  reasoning: z.enum(['direct', 'think']).optional(),
});

/** A one-line description of an output type, used in output-format text and feedback. */
export function describeOutputType(type: OutputType): string {
  switch (type.type) {
    case 'string':
    case 'boolean':
      return type.type;
    case 'number': {
      const kind = type.integer ? 'integer' : 'number';
      if (type.min !== undefined && type.max !== undefined) return `${kind} from ${type.min} to ${type.max}`;
      if (type.min !== undefined) return `${kind} ≥ ${type.min}`;
      if (type.max !== undefined) return `${kind} ≤ ${type.max}`;
      return kind;
    }
    case 'enum':
      return `one of: ${type.values.join(', ')}`;
    case 'list':
      return `list of ${describeOutputType(type.items)}`;
    case 'object':
      return `object with ${Object.keys(type.fields)
        .map((name) => `"${name}"`)
        .join(', ')}`;
  }
}
