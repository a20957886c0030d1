import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseKeyHosts } from '../core/policy/key-hosts.js';
import { ConfigError } from './config-error.js';

/**
 * Process configuration: environment variables, optionally layered over a YAML/JSON file named by
 * PROMPTEVO_CONFIG (or ./promptevo.config.yaml when present). Environment wins over the file.
 */
const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');
const url = (example: string) => z.string().url(`expected a URL, e.g. ${example}`);
const positiveInt = z.coerce.number({ error: 'expected a positive integer' }).int().positive();

export const configSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('promptevo'),
  TEMPORAL_UI_URL: url('http://127.0.0.1:8233').default('http://127.0.0.1:8233'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL, e.g. postgres://user:pass@127.0.0.1:5432/promptevo')
    .default('postgres://promptevo:promptevo@127.0.0.1:5432/promptevo'),
  PROMPTEVO_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case SQL identifier')
    .default('public'),
  MODEL_SERVER_URL: url('http://127.0.0.1:8787/v1').default('http://127.0.0.1:8787/v1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Activity slots per worker process; why 8: docs/ARCHITECTURE.md, "Spreading work over workers". */
  WORKER_MAX_ACTIVITIES: positiveInt.default(8),
  WORKER_MAX_WORKFLOWS: positiveInt.default(64),
  /**
   * PostgreSQL connections per worker process. Activities hold one only for a query, so a few
   * serve many activity slots; kept small so many workers fit PostgreSQL's default 100.
   */
  WORKER_DB_POOL: positiveInt.default(10),
  /**
   * Where a worker keeps its built workflow bundles, named by a hash of the sources, so a restart
   * skips the webpack build; `off`: build at every start. Unset: `.data/workflow-bundles` in the project.
   */
  WORKFLOW_BUNDLE_CACHE: z.string().trim().min(1).optional(),
  // The task policy (platform/policy.ts): what an untrusted task file may make a worker use.
  /** Only environment variables named with this prefix may be used as API keys. */
  PROMPTEVO_KEY_PREFIX: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the start of an environment variable name, e.g. PROMPTEVO_KEY_')
    .default('PROMPTEVO_KEY_'),
  /** Which hosts each key may be sent to: `NAME=host[:port][,host...];NAME=...`. */
  PROMPTEVO_KEY_HOSTS: z.string().default(''),
  /** Directories datasets must lie in, separated by ":"; relative to the worker's working directory. */
  PROMPTEVO_DATA_ROOTS: z.string().min(1, 'expected one or more directories separated by ":"').default('.'),
  /** Directories `module` metrics must lie in, separated by ":"; empty: module metrics are refused. */
  PROMPTEVO_MODULE_ROOTS: z.string().default(''),
  PROMPTEVO_MAX_DATASET_BYTES: positiveInt.default(64 * 1024 * 1024),
  PROMPTEVO_MAX_DATASET_ROWS: positiveInt.default(100_000),
  /** Who this process acts as in the registry (published by, label moved by); unset: the OS user name. */
  PROMPTEVO_IDENTITY: z.string().trim().min(1).max(200).optional(),
});

export type Config = z.infer<typeof configSchema>;

// Its own module, so that a caller can tell a configuration error apart without loading zod.
export { ConfigError };

function readConfigFile(env: NodeJS.ProcessEnv): { values: Record<string, unknown>; source?: string } {
  const explicit = env.PROMPTEVO_CONFIG;
  const path = explicit ? resolve(explicit) : resolve('promptevo.config.yaml');
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError(`PROMPTEVO_CONFIG: file ${path} does not exist; fix the path or unset it`);
    return { values: {} };
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: not valid YAML/JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (parsed === null || parsed === undefined) return { values: {}, source: path };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(
      `${path}: expected a mapping of setting names to values, e.g. "TEMPORAL_ADDRESS: 127.0.0.1:7233"`,
    );
  }
  return { values: parsed as Record<string, unknown>, source: path };
}

/** Loads and validates configuration; throws ConfigError with one line per bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const file = readConfigFile(env);
  const known = Object.keys(configSchema.shape);
  const unknownInFile = Object.keys(file.values).filter((k) => !known.includes(k));
  if (unknownInFile.length > 0) {
    throw new ConfigError(
      `${file.source}: unknown setting ${unknownInFile.join(', ')}; known settings: ${known.join(', ')}`,
    );
  }
  const merged: Record<string, unknown> = { ...file.values };
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const result = configSchema
    .superRefine((config, ctx) => {
      const { problems } = parseKeyHosts(config.PROMPTEVO_KEY_HOSTS, config.PROMPTEVO_KEY_PREFIX);
      for (const message of problems) ctx.addIssue({ code: 'custom', path: ['PROMPTEVO_KEY_HOSTS'], message });
    })
    .safeParse(merged);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '?');
    const from = env[key] !== undefined && env[key] !== '' ? 'environment variable' : `setting in ${file.source}`;
    const shown = redactSetting(key, merged[key]);
    return `invalid ${from} ${key}=${JSON.stringify(shown)}: ${issue.message}`;
  });
  throw new ConfigError(lines.join('\n'));
}

function redactSetting(key: string, value: unknown): unknown {
  if (key === 'DATABASE_URL' && typeof value === 'string') return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  return value;
}

/** The database URL with its password masked, for messages and logs. */
export function describeDatabaseUrl(databaseUrl: string): string {
  return String(redactSetting('DATABASE_URL', databaseUrl));
}
