/**
 * Redaction for everything a process logs. Three rules, applied to every string at any depth of a
 * log record (nested objects, arrays, Error objects with their message, stack, cause and own
 * properties):
 *
 * 1. fields named like a secret (`apiKey`, `authorization`, `password`, `token`, ...) are masked,
 *    whatever their value;
 * 2. secret-shaped text is masked: `sk-...` keys, `Bearer ...` tokens, passwords in postgres URLs;
 * 3. any occurrence of a registered secret value is masked, whatever its shape. The process
 *    registers the secrets it knows: API keys it reads (`registerSecret`, called where a model
 *    client is built from a task's `apiKeyEnv`), key-holding environment variables at startup
 *    (`PROMPTEVO_KEY_*`, `*_API_KEY`, `*_KEY`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`) and the
 *    password in `DATABASE_URL`.
 */

export const MASK = '***';

/** Environment variables whose values are secrets by name. `PROMPTEVO_KEY_` is the prefix for model keys. */
export const SECRET_ENV_PREFIX = 'PROMPTEVO_KEY_';
const secretEnvName = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD)$/i;

/** Field names whose values are masked whatever they hold (`promptTokens` or `apiKeyEnv` are not matched). */
const secretFieldName =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|(api[-_]?key|password|passwd|secret|token|credentials?)$/i;

/**
 * Shorter values are not registered: masking every occurrence of a 4-letter string would blank
 * ordinary words. Neither are the documented local-stack defaults, which are public (they are in
 * the README) and would otherwise mask the project's own name in every line.
 */
export const MIN_SECRET_LENGTH = 6;
const publicDefaults = new Set(['promptevo', 'promptevo_worker']);

const secretPatterns: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI-style keys
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi,
];

const secrets = new Set<string>();
let secretMatcher: RegExp | undefined;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Registers a secret value: from now on it is masked wherever it appears in a log line. Also
 * masks its JSON-escaped and URL-encoded forms. Safe to call repeatedly with the same value.
 */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH || publicDefaults.has(value) || secrets.has(value)) return;
  secrets.add(value);
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(encodeURIComponent(s));
  }
  // Longest first, so a secret containing another is masked whole.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  secretMatcher = new RegExp(alternatives.join('|'), 'g');
}

/** The password of a postgres URL, or undefined. */
export function databasePassword(databaseUrl: string | undefined): string | undefined {
  if (!databaseUrl) return undefined;
  try {
    const password = new URL(databaseUrl).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** Registers the values of key-holding environment variables and DATABASE_URL's password. */
export function registerSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(SECRET_ENV_PREFIX) || secretEnvName.test(name)) registerSecret(value);
  }
  registerSecret(databasePassword(env.DATABASE_URL));
}

/** Masks registered secret values only: the cheap last pass over a finished log line. */
export function redactRegistered(text: string): string {
  return secretMatcher ? text.replace(secretMatcher, MASK) : text;
}

/** Masks registered secrets and secret-shaped substrings (API keys, bearer tokens, passwords in URLs). */
export function redactSecrets(text: string): string {
  return secretPatterns.reduce(
    (acc, pattern) => acc.replace(pattern, (_match, prefix?: string) => (prefix ? `${prefix}${MASK}@` : MASK)),
    redactRegistered(text),
  );
}

export const isSecretField = (name: string): boolean => secretFieldName.test(name);

const MAX_DEPTH = 64;

/**
 * A copy of `value` safe to log: strings redacted at any depth, secret-named fields masked, Error
 * objects turned into plain `{ type, message, stack, ...own properties, cause }`, binary data
 * replaced by its size, cycles cut.
 */
export function redactValue(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  ancestors.add(value);
  try {
    if (value instanceof Error) return walkError(value, depth, ancestors);
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, ancestors));
    if (value instanceof Map) return walkFields(Object.fromEntries(value as Map<string, unknown>), depth, ancestors);
    if (value instanceof Set) return [...value].map((item) => walk(item, depth + 1, ancestors));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return walk(toJSON.call(value), depth + 1, ancestors);
    return walkFields(value as Record<string, unknown>, depth, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function walkFields(
  fields: Record<string, unknown>,
  depth: number,
  ancestors: WeakSet<object>,
  into: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, inner] of Object.entries(fields)) {
    into[key] = isSecretField(key) && inner !== undefined && inner !== null ? MASK : walk(inner, depth + 1, ancestors);
  }
  return into;
}

function walkError(err: Error, depth: number, ancestors: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: err.constructor?.name && err.constructor.name !== 'Object' ? err.constructor.name : err.name,
    message: redactSecrets(String(err.message)),
  };
  if (err.stack) out.stack = redactSecrets(err.stack);
  walkFields(err as unknown as Record<string, unknown>, depth, ancestors, out);
  // `cause` and `errors` are usually non-enumerable own properties.
  if (err.cause !== undefined) out.cause = walk(err.cause, depth + 1, ancestors);
  if (err instanceof AggregateError) out.errors = walk(err.errors, depth + 1, ancestors);
  return out;
}
