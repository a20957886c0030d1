// A simulated model server of the benchmark's own (any free port): latency is chosen per benchmark
// and its request counters see only this benchmark's traffic. In this process by default; in a
// child process where the benchmark's own process must not share its CPU time with the server.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseModelServerConfig } from '../infra/model-server/config.js';
import { startModelServer } from '../infra/model-server/server.js';
import type { TaskSpec } from '../core/task/spec-schema.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface SimServerOptions {
  latencyMs: number;
  jitterMs?: number;
  /** Server-enforced requests per minute; unset means unlimited. */
  rpm?: number;
  /** When set, every request (the counters included) must send it as a Bearer key. */
  apiKey?: string;
}

export interface SimServer {
  /** Base URL without `/v1`. */
  url: string;
  /** Completion requests received so far (every status, every model). */
  received(): Promise<number>;
  close(): Promise<void>;
}

/** sim-large and sim-small with the same latency, the server's seed fixed so answers repeat. */
function serverConfig(options: SimServerOptions): Record<string, unknown> {
  const model = (size: 'large' | 'small') => ({
    backend: { type: 'simulated', size },
    latency: { meanMs: options.latencyMs, jitterMs: options.jitterMs ?? 0 },
    ...(options.rpm ? { limits: { rpm: options.rpm } } : {}),
  });
  return {
    seed: 1,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    models: { 'sim-large': model('large'), 'sim-small': model('small') },
  };
}

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const server = await startModelServer(parseModelServerConfig(serverConfig(options), 'benchmark model server'), {
    port: 0,
  });
  return {
    url: server.url,
    received: () => Promise.resolve(Object.values(server.stats.summary().models).reduce((n, m) => n + m.requests, 0)),
    close: () => server.close(),
  };
}

/** The same server as `infra/model-server/main.ts` started in a child process; counts read from GET /stats. */
export async function startSimServerProcess(options: SimServerOptions): Promise<SimServer> {
  mkdirSync(`${root}bench/out`, { recursive: true });
  const configFile = `${root}bench/out/model-server-${process.pid}-${options.latencyMs}ms.json`;
  writeFileSync(configFile, JSON.stringify(serverConfig(options)));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'infra/model-server/main.ts', '--config', configFile, '--port', '0'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(log);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`model server exited with ${code}:\n${log}`)));
  });
  return {
    url,
    async received() {
      const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
      const response = await fetch(`${url}/stats`, { headers });
      if (!response.ok) throw new Error(`model server GET /stats answered ${response.status}`);
      const stats = (await response.json()) as { models: Record<string, { requests: number }> };
      return Object.values(stats.models).reduce((n, m) => n + m.requests, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Points every model of a spec at the server, with endpoint overrides (e.g. maxConcurrency). */
export function pointAt(server: Pick<SimServer, 'url'>, overrides: Record<string, unknown> = {}) {
  return (spec: TaskSpec): TaskSpec => ({
    ...spec,
    models: Object.fromEntries(
      Object.entries(spec.models).map(([name, model]) => [
        name,
        { ...model, baseUrl: `${server.url}/v1`, ...overrides },
      ]),
    ),
  });
}
