import { pino, type Logger } from 'pino';

/**
 * Paths that may hold secrets anywhere in a log record. pino's redaction is path-based, so
 * the common shapes are listed at several depths; `redactSecrets` below covers free text.
 */
const secretKeys = ['apiKey', 'api_key', 'authorization', 'Authorization', 'password', 'token', 'secret'];
const redactPaths = secretKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `*.headers.${k}`]);

const secretPatterns: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI-style keys
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi,
];

/** Masks secret-shaped substrings (API keys, bearer tokens, passwords in URLs) in free text. */
export function redactSecrets(text: string): string {
  return secretPatterns.reduce(
    (acc, pattern) => acc.replace(pattern, (match, prefix?: string) => (prefix ? `${prefix}***@` : '***')),
    text,
  );
}

let root: Logger | undefined;

export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      name: 'promptevo',
      level,
      redact: { paths: redactPaths, censor: '***' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>;
          method.apply(this, redacted);
        },
      },
    },
    destination,
  );
}

/** The process-wide logger. */
export function logger(): Logger {
  root ??= createLogger();
  return root;
}
