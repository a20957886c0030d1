import { z } from 'zod';

const amount = z.number().nonnegative();

/**
 * Split sizes: fractions when they sum to at most 1 (and then must sum to 1), otherwise
 * exact example counts. Stratify by a label field, or by buckets of a numeric field so
 * the extremes of a score range land in every split.
 */
export const splitSpecSchema = z
  .strictObject({
    train: amount.default(0.6),
    val: amount.default(0.2),
    test: amount.default(0.2),
    seed: z.number().int().default(0),
    stratify: z
      .union([
        z.literal('none'),
        z.strictObject({ label: z.string().min(1) }),
        z.strictObject({ field: z.string().min(1), buckets: z.number().int().min(2).default(5) }),
      ])
      .default('none'),
    /**
     * Keep examples with identical inputs in one split, so a repeated question never sits in test
     * (or val) while its twin is in train, where it can be shown as a demo or to the meta model.
     * On by default; false reproduces splits made before it was.
     */
    groupRepeats: z.boolean().default(true),
  })
  .superRefine((split, ctx) => {
    const sizes = [split.train, split.val, split.test];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.every(Number.isInteger) && total > 1) return; // exact counts
    if (sizes.some((n) => n > 1)) {
      ctx.addIssue({
        code: 'custom',
        message: 'sizes are either fractions summing to 1 or whole counts; do not mix them',
      });
    } else if (Math.abs(total - 1) > 1e-6) {
      ctx.addIssue({ code: 'custom', message: `fractions must sum to 1 (got ${Math.round(total * 1000) / 1000})` });
    }
    if (split.train <= 0) ctx.addIssue({ code: 'custom', path: ['train'], message: 'train must be positive' });
  });
export type SplitSpec = z.output<typeof splitSpecSchema>;

export const dataSpecSchema = z
  .strictObject({
    /** Relative to the task file. */
    path: z.string().min(1),
    format: z.enum(['jsonl', 'csv']).optional(),
    /** Source column/key → signature field name, for sources whose names differ. */
    mapping: z.record(z.string(), z.string()).default({}),
    /** Column holding a stable example id; without one ids are content hashes. */
    idField: z.string().min(1).default('id'),
    split: splitSpecSchema.default(() => splitSpecSchema.parse({})),
  })
  .transform((data, ctx) => {
    const format = data.format ?? inferFormat(data.path);
    if (!format) {
      ctx.addIssue({ code: 'custom', path: ['format'], message: `cannot infer from "${data.path}"; set jsonl or csv` });
      return z.NEVER;
    }
    return { ...data, format };
  });
export type DataSpec = z.output<typeof dataSpecSchema>;

export function inferFormat(path: string): 'jsonl' | 'csv' | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  return undefined;
}
