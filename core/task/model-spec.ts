import { z } from 'zod';

/** An OpenAI-compatible endpoint. The API key is never in the spec: only the env var that holds it. */
export const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

export const modelSpecSchema = z.strictObject({
  baseUrl: z.url({ message: 'must be a URL like "http://localhost:8080/v1"' }),
  model: z.string().min(1),
  apiKeyEnv: z
    .string()
    .regex(ENV_VAR_NAME, 'must be the NAME of an environment variable (like OPENAI_API_KEY), not the key itself')
    .optional(),
  /** Requests per minute the provider allows; unset means no limit is enforced here. */
  rpm: z.number().int().positive().optional(),
  /** Tokens per minute (prompt + completion); unset means no limit. */
  tpm: z.number().int().positive().optional(),
  maxConcurrency: z.number().int().positive().default(4),
  timeoutMs: z.number().int().positive().default(60_000),
  maxRetries: z.number().int().nonnegative().default(5),
  pricing: z
    .strictObject({
      inputPerMTok: z.number().nonnegative().default(0),
      outputPerMTok: z.number().nonnegative().default(0),
    })
    .default({ inputPerMTok: 0, outputPerMTok: 0 }),
  structuredOutput: z.boolean().default(true),
  temperature: z.number().min(0).max(2).default(0),
  maxTokens: z.number().int().positive().optional(),
});
export type ModelSpec = z.output<typeof modelSpecSchema>;
export type ModelPricing = ModelSpec['pricing'];

const oneOrMany = z.union([
  z
    .string()
    .min(1)
    .transform((name) => [name]),
  z.array(z.string().min(1)).min(1),
]);

/** Which named model plays which part; every name must exist in `models`. */
export const rolesSpecSchema = z.strictObject({
  meta: z.string().min(1),
  dev: z.string().min(1),
  production: oneOrMany,
  teacher: z.string().min(1).optional(),
  student: z.string().min(1).optional(),
});
export type RolesSpec = z.output<typeof rolesSpecSchema>;

/** Values that are plainly secrets: provider key prefixes, or bearer-style tokens. */
const LITERAL_KEY =
  /(^|\s)(sk-[A-Za-z0-9_-]{12,}|sk-ant-[A-Za-z0-9_-]+|AIza[0-9A-Za-z_-]{30,}|gh[pous]_[A-Za-z0-9]{20,}|xox[abp]-[A-Za-z0-9-]+|Bearer\s+\S{16,})/;

export function looksLikeLiteralKey(value: string): boolean {
  return LITERAL_KEY.test(value);
}
