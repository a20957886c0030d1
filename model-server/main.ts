// CLI: `tsx model-server/main.ts --config FILE [--port 8787] [--host 127.0.0.1]`.
// Prints one line with the server URL when ready; shuts down cleanly on SIGINT/SIGTERM.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadModelServerConfig, repoRoot } from './base/config.js';
import { startModelServer } from './server/server.js';

const usage = 'Usage: tsx model-server/main.ts --config FILE [--port 8787] [--host 127.0.0.1]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: path.join(repoRoot, 'model-server/models.default.yaml') },
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--port must be an integer between 0 and 65535, got '${values.port}'. ${usage}`);
  }
  const config = loadModelServerConfig(values.config);
  const server = await startModelServer(config, { port, host: values.host });
  console.log(`model server listening on ${server.url} (models: ${Object.keys(config.models).join(', ')})`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`model server: ${signal} received, shutting down`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('model server: error during shutdown:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
