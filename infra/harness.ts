// The one harness for tests and benchmarks on the local stack: a private PostgreSQL schema and task
// queue per suite, real worker processes, and model servers of their own (in this process or in a
// child process). `test/support/stack.ts` adds what only vitest has (the workflow bundle it
// injects, in-process workers); `bench/session.ts` composes these into one benchmark arm.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { parseModelServerConfig } from '../model-server/base/config.js';
import { startModelServer, type ModelServer } from '../model-server/server/server.js';
import { loadConfig, type Config } from '../platform/config.js';
import { createPool, type Db } from '../platform/db.js';
import { dropSchema, migrateUp } from '../platform/migrations.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// ---- The stack: a schema and a task queue of the suite's own --------------------------------------

export interface SuiteStack {
  config: Config;
  db: Db;
  client: Client;
  close(): Promise<void>;
}

/**
 * A suite's share of the running stack: its own PostgreSQL schema (`<prefix>_<name>_<random>`,
 * migrated from scratch, dropped by `close`) and its own task queue on the shared Temporal server.
 */
export async function openSuiteStack(
  name: string,
  options: { prefix: string; queuePrefix: string; overrides?: Partial<Config>; suffixBytes?: number },
): Promise<SuiteStack> {
  const suffix = randomBytes(options.suffixBytes ?? 4).toString('hex');
  const config: Config = {
    ...loadConfig(),
    ...options.overrides,
    PROMPTEVO_DB_SCHEMA: `${options.prefix}_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${suffix}`,
    TEMPORAL_TASK_QUEUE: `${options.queuePrefix}-${name}-${suffix}`,
  };
  await migrateUp(config);
  const db = createPool(config);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  return {
    config,
    db,
    client,
    async close() {
      await connection.close();
      await dropSchema(db, config.PROMPTEVO_DB_SCHEMA);
      await db.end();
    },
  };
}

/** A benchmark's stack: schema `bench_<name>_<random>`, task queue `bench-<name>-<random>`. */
export type BenchStack = SuiteStack;
export async function openBenchStack(name: string, overrides: Partial<Config> = {}): Promise<BenchStack> {
  const stack = await openSuiteStack(name, { prefix: 'bench', queuePrefix: 'bench', overrides, suffixBytes: 3 });
  // BENCH_KEEP_SCHEMA=1 keeps each arm's schema for inspection (drop them afterwards with DROP SCHEMA … CASCADE).
  if (process.env['BENCH_KEEP_SCHEMA'] !== '1') return stack;
  return { ...stack, close: () => keepSchema(stack) };
}

async function keepSchema(stack: SuiteStack): Promise<void> {
  process.stderr.write(`kept schema ${stack.config.PROMPTEVO_DB_SCHEMA}\n`);
  await stack.client.connection.close();
  await stack.db.end();
}

// ---- Worker processes ------------------------------------------------------------------------------

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the worker has logged that it polls its task queue. */
  ready: Promise<void>;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** A real worker process (`worker/main.ts`) for the given settings, as an operator would start it. */
export function startWorkerProcess(config: Config, extraEnv: Record<string, string> = {}): WorkerProcess {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...extraEnv };
  for (const [key, value] of Object.entries(config)) env[key] = String(value);
  // Node flags for the worker alone (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a benchmark's workers).
  const nodeFlags = (process.env['PROMPTEVO_WORKER_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'worker/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('"msg":"worker started"')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready:\n${log}`)));
  });
  return {
    child,
    ready,
    output: () => log,
    kill(signal) {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}

/** Starts `count` real worker processes on the stack's task queue and waits until all of them poll. */
export async function startWorkers(
  config: Config,
  count: number,
  extraEnv: Record<string, string> = {},
): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: count }, () => startWorkerProcess(config, extraEnv));
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (err) {
    await stopWorkers(workers, 'SIGKILL');
    throw err;
  }
  return workers;
}

/** Stops workers with `signal`; one that has not exited after `graceMs` (e.g. stuck in a shutdown) is killed. */
export async function stopWorkers(
  workers: WorkerProcess[],
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      const outcome = await Promise.race([w.kill(signal), late]);
      clearTimeout(timer);
      if (outcome === 'late') await w.kill('SIGKILL');
    }),
  );
}

// ---- Model servers of a suite's own ------------------------------------------------------------------

/** A model server in this process on a free port, so its request counters see only this suite's traffic. */
export function startLocalModelServer(config: unknown, source = 'test model server'): Promise<ModelServer> {
  return startModelServer(parseModelServerConfig(config, source), { port: 0 });
}

/** sim-large and sim-small with a short latency; `extra` is merged into both (faults, limits). */
export const simModels = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  'sim-large': { backend: { type: 'simulated', size: 'large' }, latency: { meanMs: 2, jitterMs: 1 }, ...extra },
  'sim-small': { backend: { type: 'simulated', size: 'small' }, latency: { meanMs: 2, jitterMs: 1 }, ...extra },
});

/** Completion requests a server in this process has received (every status, every model). */
export function totalRequests(server: ModelServer): number {
  return Object.values(server.stats.summary().models).reduce((n, m) => n + m.requests, 0);
}

/** Completion requests a running model server has received, from GET /stats (with its key when it has one). */
export async function modelServerRequests(baseUrl = 'http://127.0.0.1:8787', apiKey?: string): Promise<number> {
  const response = await fetch(`${baseUrl}/stats`, apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {});
  if (!response.ok) throw new Error(`model server GET /stats answered ${response.status}`);
  const stats = (await response.json()) as { models?: Record<string, { requests: number }> };
  return Object.values(stats.models ?? {}).reduce((sum, m) => sum + m.requests, 0);
}

/**
 * Points every model of a spec at a model server, with endpoint overrides (e.g. maxConcurrency):
 * `target` is the `/v1` base URL, or a server whose `url` is its root.
 */
export function pointAt(target: string | { url: string }, overrides: Record<string, unknown> = {}) {
  const baseUrl = typeof target === 'string' ? target : `${target.url}/v1`;
  return (spec: TaskSpec): TaskSpec => ({
    ...spec,
    models: Object.fromEntries(
      Object.entries(spec.models).map(([name, model]) => [name, { ...model, baseUrl, ...overrides }]),
    ),
  });
}

export interface SimServerOptions {
  latencyMs: number;
  jitterMs?: number;
  /** Server-enforced requests per minute; unset means unlimited. */
  rpm?: number;
  /** When set, every request (the counters included) must send it as a Bearer key. */
  apiKey?: string;
}

/** A benchmark's model server, in this process or a child process. */
export interface SimServer {
  /** Base URL without `/v1`. */
  url: string;
  /** Completion requests received so far (every status, every model). */
  received(): Promise<number>;
  close(): Promise<void>;
  /** The server's process id when it runs in a child process. */
  pid?: number;
}

/** sim-large and sim-small with the same latency, the server's seed fixed so answers repeat. */
function simServerConfig(options: SimServerOptions): Record<string, unknown> {
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

/** A simulated model server in this process, latency chosen per benchmark. */
export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const server = await startLocalModelServer(simServerConfig(options), 'benchmark model server');
  return { url: server.url, received: () => Promise.resolve(totalRequests(server)), close: () => server.close() };
}

/**
 * The same server as `model-server/main.ts` started in a child process, for a benchmark whose own
 * process must not share its CPU time with the server; counts read from GET /stats.
 */
export async function startSimServerProcess(options: SimServerOptions): Promise<SimServer> {
  mkdirSync(`${root}bench/out`, { recursive: true });
  const configFile = `${root}bench/out/model-server-${process.pid}-${options.latencyMs}ms.json`;
  writeFileSync(configFile, JSON.stringify(simServerConfig(options)));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'model-server/main.ts', '--config', configFile, '--port', '0'],
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
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    received: () => modelServerRequests(url, options.apiKey),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
