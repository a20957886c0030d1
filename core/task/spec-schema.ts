import { z } from 'zod';
import { dataSpecSchema } from './data-spec.js';
import { metricSpecSchema } from './metric-spec.js';
import { modelSpecSchema, rolesSpecSchema } from './model-spec.js';
import { distillSpecSchema, searchSpecSchema } from './search-spec.js';
import { signatureSchema } from './signature.js';

/** The starting genome's sections; a bare string is shorthand for `{ task: ... }`. */
export const seedPromptSchema = z.union([
  z
    .string()
    .min(1)
    .transform((task) => ({ task, rules: [] as string[] })),
  z.strictObject({
    role: z.string().min(1).optional(),
    task: z.string().min(1),
    rules: z.array(z.string().min(1)).default([]),
    reasoning: z.enum(['direct', 'think']).optional(),
    uncertainty: z.string().min(1).optional(),
    outputFormat: z.string().min(1).optional(),
    /** Example ids to start with as demos (train examples only). */
    demos: z.array(z.string().min(1)).optional(),
    /** Or: this many labeled train examples as demos, drawn by the run's seed and spread over the answers. */
    demoCount: z.number().int().min(1).max(16).optional(),
  }),
]);
export type SeedPromptSpec = z.output<typeof seedPromptSchema>;

export const taskSpecSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "-", "_" or "." (it becomes part of ids)'),
  description: z.string().optional(),
  signature: signatureSchema,
  data: dataSpecSchema,
  seedPrompt: seedPromptSchema,
  metric: metricSpecSchema,
  models: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'model names are identifiers'), modelSpecSchema),
  roles: rolesSpecSchema,
  search: searchSpecSchema.default(() => searchSpecSchema.parse({})),
  distill: distillSpecSchema.optional(),
});

export type TaskSpec = z.output<typeof taskSpecSchema>;
/** What a user writes: every optional member may be left out. */
export type TaskSpecInput = z.input<typeof taskSpecSchema>;
