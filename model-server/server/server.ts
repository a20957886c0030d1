// The local OpenAI-compatible model server: routes, lifecycle and the public `startModelServer`.
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../base/api-error.js';
import { isAuthorized, unauthorized } from './auth.js';
import type { ModelServerConfig } from '../base/config.js';
import { handleCompletion } from './handle-completion.js';
import { sendError, sendJson, toApiError } from './http-io.js';
import { createRuntimes } from './model-runtime.js';
import { StatsRecorder } from './stats.js';

export interface ModelServerOptions {
  port?: number;
  host?: string;
}

export interface ModelServer {
  url: string;
  port: number;
  stats: StatsRecorder;
  close(): Promise<void>;
}

export async function startModelServer(
  config: ModelServerConfig,
  options: ModelServerOptions = {},
): Promise<ModelServer> {
  const host = options.host ?? '127.0.0.1';
  const runtimes = createRuntimes(config);
  const stats = new StatsRecorder();
  const shutdown = new AbortController();
  // Every in-flight request listens for shutdown; hundreds at once are normal under load tests.
  setMaxListeners(0, shutdown.signal);
  const created = Math.floor(Date.now() / 1000);

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      return handleCompletion(req, res, {
        runtimes,
        stats,
        seed: config.seed,
        apiKey: config.apiKey,
        shutdown: shutdown.signal,
      });
    }
    // Every other route (models, counters, health, unknown paths) needs the key as well.
    if (!isAuthorized(req, config.apiKey)) throw unauthorized();
    if (req.method === 'GET' && path === '/v1/models') {
      const data = [...runtimes.keys()].map((id) => ({ id, object: 'model', created, owned_by: 'promptevo-local' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (req.method === 'GET' && path === '/stats') return sendJson(res, 200, stats.summary());
    if (req.method === 'POST' && path === '/stats/reset') {
      stats.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'GET' && path === '/stats/requests') {
      return sendJson(res, 200, stats.requests(url.searchParams.get('model') ?? undefined));
    }
    if (req.method === 'GET' && path === '/health')
      return sendJson(res, 200, { ok: true, models: [...runtimes.keys()] });
    throw new ApiError(
      404,
      `No route for ${req.method ?? '?'} ${path}. Routes: POST /v1/chat/completions, GET /v1/models, GET /stats, POST /stats/reset, GET /stats/requests?model=NAME, GET /health.`,
      'not_found_error',
    );
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => sendError(res, toApiError(err)));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `Model server cannot listen on ${host}:${options.port ?? 8787}: ${err.message}` +
            (err.code === 'EADDRINUSE' ? ' (the port is taken; pick another with --port, or 0 for any free port)' : ''),
        ),
      ),
    );
    server.listen(options.port ?? 8787, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    stats,
    close: async () => {
      shutdown.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all([...runtimes.values()].map((r) => r.backend.close()));
    },
  };
}
