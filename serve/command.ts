import type { Command } from 'commander';
import { ConfigError } from '../platform/config-error.js';
import type { EndpointConfig } from '../runtime/endpoint.js';

interface ServeFlags {
  host: string;
  port: string;
  auth: boolean;
  ttlMs: string;
  snapshotDir?: string;
  endpoint: string[];
}

/** `model=url` or `model=url,KEY_ENV`: where this server reaches a version's model. */
export function parseEndpointFlag(text: string): [string, EndpointConfig] {
  const match = /^([^=\s]+)=([^,\s]+)(?:,([A-Z_][A-Z0-9_]*))?$/.exec(text.trim());
  if (!match) {
    throw new ConfigError(
      `--endpoint "${text}" is not model=url or model=url,KEY_ENV, e.g. sim-large=http://127.0.0.1:8787/v1`,
    );
  }
  return [match[1]!, { baseUrl: match[2]!, ...(match[3] ? { apiKeyEnv: match[3] } : {}) }];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `promptevo serve`: the service runtime over HTTP (serve/app.ts), reading the registry from the
 * configured database (DATABASE_URL; the read-only `promptevo_reader` role is enough).
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('answer registry programs over HTTP: POST /v1/programs/:name/predict (docs/REGISTRY.md)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8700')
    .option('--no-auth', 'accept requests without the PROMPTEVO_SERVE_KEY bearer key (local use only)')
    .option('--ttl-ms <ms>', 'how long a label lookup is trusted before it is refreshed', '30000')
    .option('--snapshot-dir <dir>', 'keep last-known-good copies here for a start without the registry')
    .option(
      '--endpoint <model=url[,KEY_ENV]>',
      "where a version's model is reached (repeatable); default: every model at MODEL_SERVER_URL",
      collect,
      [],
    )
    .action(async (flags: ServeFlags) => {
      const { describeDatabaseUrl, loadConfig } = await import('../platform/config.js');
      const config = loadConfig();
      const port = Number(flags.port);
      const ttlMs = Number(flags.ttlMs);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new ConfigError(`--port: expected 0-65535, got "${flags.port}"`);
      if (!(ttlMs > 0))
        throw new ConfigError(`--ttl-ms: expected a positive number of milliseconds, got "${flags.ttlMs}"`);
      const key = process.env.PROMPTEVO_SERVE_KEY;
      if (flags.auth && !key) {
        throw new ConfigError(
          'serve: set PROMPTEVO_SERVE_KEY (the bearer key clients send), or pass --no-auth for local use',
        );
      }
      const mapped = new Map(flags.endpoint.map(parseEndpointFlag));
      // The HTTP server, the runtime and the logger load when serve runs, not with every CLI command.
      const [{ createLogger }, { createRuntime }, { buildServeApp }] = await Promise.all([
        import('../platform/logger.js'),
        import('../runtime/runtime.js'),
        import('./app.js'),
      ]);
      const log = createLogger(config.LOG_LEVEL);
      const endpoints = (model: string): EndpointConfig | undefined =>
        mapped.size > 0 ? mapped.get(model) : { baseUrl: config.MODEL_SERVER_URL };
      const runtime = createRuntime({
        registry: { databaseUrl: config.DATABASE_URL, schema: config.PROMPTEVO_DB_SCHEMA },
        endpoints,
        ttlMs,
        ...(flags.snapshotDir ? { snapshotDir: flags.snapshotDir } : {}),
        policy: { keyPrefix: config.PROMPTEVO_KEY_PREFIX, keyHosts: config.PROMPTEVO_KEY_HOSTS },
        logger: { warn: (message, details) => log.warn(details, message) },
      });
      const { app } = buildServeApp({ runtime, auth: flags.auth, ...(key ? { key } : {}) });
      const address = await app.listen({ host: flags.host, port });
      process.stdout.write(
        `promptevo serve listening on ${address} (registry ${describeDatabaseUrl(config.DATABASE_URL)} ` +
          `schema ${config.PROMPTEVO_DB_SCHEMA}; auth ${flags.auth ? 'bearer key' : 'OFF'})\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await app.close();
      await runtime.close();
    });
}
