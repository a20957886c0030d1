import { pino, type Logger } from 'pino';
import { redactRegistered, redactValue, registerSecretsFromEnv } from './redact.js';

export { redactSecrets, registerSecret, registerSecretsFromEnv } from './redact.js';

let root: Logger | undefined;

/**
 * A pino logger whose every record is redacted (`platform/redact.ts`): the arguments of each call
 * (merging object, message, format arguments) and child bindings are walked at any depth, Error
 * objects included, before pino serializes them; the finished line gets one more cheap pass for
 * registered secret values. Redaction is ours rather than pino's `redact` option because pino's
 * is path-based (fixed depths, no free text, no Error internals).
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  const log = pino(
    {
      name: 'promptevo',
      level,
      // Errors reach pino already turned into plain, redacted objects.
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactValue(bindings) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const redacted =
            first instanceof Error
              ? (() => {
                  const err = redactValue(first) as { message: string };
                  return [{ err }, ...(rest.length > 0 ? rest.map(redactValue) : [err.message])];
                })()
              : args.map(redactValue);
          method.apply(this, redacted as Parameters<typeof method>);
        },
        streamWrite: redactRegistered,
      },
    },
    destination,
  );
  // pino formats a child's bindings without the bindings formatter: redact them on the way in.
  // Children inherit this method from their parent, so grandchildren are covered too.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the child's own `this` below
  const child = log.child;
  log.child = function redactedChild(this: Logger, bindings, options) {
    return child.call(this, redactValue(bindings) as typeof bindings, options);
  } as typeof log.child;
  return log;
}

/** The process-wide logger. Its creation registers the secrets held in the environment. */
export function logger(): Logger {
  if (!root) {
    registerSecretsFromEnv(process.env);
    root = createLogger();
  }
  return root;
}
