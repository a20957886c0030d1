// Model server configuration: a YAML or JSON file validated with zod. Errors name the file, the
// path inside it and what was expected, so a typo is fixed in one go.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Repository root: relative GGUF paths resolve against it, wherever the server is started from. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const rate = z.number().min(0).max(1);

const simulatedBackend = z.strictObject({
  type: z.literal('simulated'),
  size: z.enum(['small', 'large']),
});

const llamaBackend = z.strictObject({
  type: z.literal('llama'),
  gguf: z.string().min(1),
  maxQueue: z.number().int().min(0).default(32),
  parallel: z.number().int().min(1).max(8).default(1),
  contextSize: z.number().int().min(256).default(2048),
  threads: z.number().int().min(1).optional(),
  defaultMaxTokens: z.number().int().min(1).default(256),
});

const modelConfig = z.strictObject({
  backend: z.discriminatedUnion('type', [simulatedBackend, llamaBackend]),
  latency: z.strictObject({ meanMs: z.number().min(0), jitterMs: z.number().min(0).default(0) }).default({
    meanMs: 0,
    jitterMs: 0,
  }),
  limits: z
    .strictObject({ rpm: z.number().int().positive().optional(), tpm: z.number().int().positive().optional() })
    .default({}),
  faults: z
    .strictObject({
      serverErrorRate: rate.default(0),
      hangRate: rate.default(0),
      hangMs: z.number().int().min(1).default(30_000),
      truncatedRate: rate.default(0),
      malformedRate: rate.default(0),
      /** Chance that a request starts a burst of injected 429s (drawn apart from the rates above). */
      throttleBurstRate: rate.default(0),
      /** 429s in a row in one burst, the first included, whoever sends them. */
      throttleBurstLength: z.number().int().min(1).default(5),
      /** The burst's Retry-After. */
      throttleRetryAfterSeconds: z.number().positive().default(1),
      /** The model's context in tokens: a longer prompt plus max_tokens gets OpenAI's context_length_exceeded 400. */
      contextTokens: z.number().int().positive().optional(),
    })
    .refine((f) => f.serverErrorRate + f.hangRate + f.truncatedRate + f.malformedRate <= 1, {
      message: 'the fault rates must add up to at most 1',
    })
    .default({
      serverErrorRate: 0,
      hangRate: 0,
      hangMs: 30_000,
      truncatedRate: 0,
      malformedRate: 0,
      throttleBurstRate: 0,
      throttleBurstLength: 5,
      throttleRetryAfterSeconds: 1,
    }),
});

export const modelServerConfigSchema = z.strictObject({
  seed: z.number().int().default(0),
  apiKey: z.string().min(1).optional(),
  models: z.record(z.string().regex(/^[\w.:-]+$/, 'model names use letters, digits and . _ : -'), modelConfig),
});

export type ModelServerConfig = z.infer<typeof modelServerConfigSchema>;
export type ModelConfig = z.infer<typeof modelConfig>;
export type LlamaBackendConfig = z.infer<typeof llamaBackend>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validate an already-parsed object; `source` names where it came from in error messages. */
export function parseModelServerConfig(raw: unknown, source = '<inline config>'): ModelServerConfig {
  const result = modelServerConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  at ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid model server config in ${source}:\n${problems.join('\n')}`);
  }
  if (Object.keys(result.data.models).length === 0) {
    throw new ConfigError(`Invalid model server config in ${source}: at models: define at least one model`);
  }
  for (const m of Object.values(result.data.models)) {
    if (m.backend.type === 'llama' && !path.isAbsolute(m.backend.gguf)) {
      m.backend.gguf = path.resolve(repoRoot, m.backend.gguf);
    }
  }
  return result.data;
}

/** `${NAME:-default}` and `${NAME}` in the file are replaced from the environment before parsing. */
export function expandEnv(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
    const value = env[name];
    return value !== undefined && value !== '' ? value : (fallback ?? '');
  });
}

export function loadModelServerConfig(file: string): ModelServerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read model server config ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(expandEnv(text)) : parseYaml(expandEnv(text));
  } catch (err) {
    throw new ConfigError(
      `Model server config ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
  return parseModelServerConfig(raw, file);
}
