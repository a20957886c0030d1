import { z } from 'zod';

/** How a prediction is scored. Field names refer to signature outputs (defaults resolved in spec.ts). */
export const METRIC_KINDS = [
  'exact_match',
  'numeric',
  'token_f1',
  'contains',
  'regex',
  'json_schema_valid',
  'llm_judge',
  'weighted',
  'module',
] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

const field = z.string().min(1).optional();

const exactMatch = z.strictObject({
  kind: z.literal('exact_match'),
  field,
  caseSensitive: z.boolean().default(false),
});
const numeric = z.strictObject({
  kind: z.literal('numeric'),
  field,
  /** Differences up to this count as exactly right. */
  tolerance: z.number().nonnegative().default(0),
  /** The scale the error is measured against; defaults to the output field's min/max. */
  range: z.strictObject({ min: z.number(), max: z.number() }).optional(),
});
const tokenF1 = z.strictObject({ kind: z.literal('token_f1'), field });
const contains = z.strictObject({
  kind: z.literal('contains'),
  field,
  /** A fixed substring to look for; without it the expected value is looked for. */
  value: z.string().min(1).optional(),
  caseSensitive: z.boolean().default(false),
});
const regex = z.strictObject({
  kind: z.literal('regex'),
  field,
  pattern: z.string().min(1),
  flags: z
    .string()
    .regex(/^[gimsuy]*$/, 'flags may only contain g, i, m, s, u, y')
    .default(''),
});
const jsonSchemaValid = z.strictObject({
  kind: z.literal('json_schema_valid'),
  field,
  /** Defaults to the signature's output schema. */
  schema: z.record(z.string(), z.unknown()).optional(),
});
const llmJudge = z.strictObject({
  kind: z.literal('llm_judge'),
  rubric: z.string().min(1),
  /** A model name from `models`; defaults to the `meta` role's model. */
  model: z.string().min(1).optional(),
});
const moduleMetric = z.strictObject({
  kind: z.literal('module'),
  /** Path to a JS/TS module, relative to the task file. */
  path: z.string().min(1),
  export: z.string().min(1).default('default'),
});

export type LeafMetricSpec = z.output<
  | typeof exactMatch
  | typeof numeric
  | typeof tokenF1
  | typeof contains
  | typeof regex
  | typeof jsonSchemaValid
  | typeof llmJudge
  | typeof moduleMetric
>;
export type WeightedMetricSpec = { kind: 'weighted'; metrics: { metric: MetricSpec; weight: number }[] };
export type MetricSpec = LeafMetricSpec | WeightedMetricSpec;

export const metricSpecSchema: z.ZodType<MetricSpec, unknown> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    exactMatch,
    numeric,
    tokenF1,
    contains,
    regex,
    jsonSchemaValid,
    llmJudge,
    moduleMetric,
    z.strictObject({
      kind: z.literal('weighted'),
      metrics: z.array(z.strictObject({ metric: metricSpecSchema, weight: z.number().positive() })).min(1),
    }),
  ]),
);
