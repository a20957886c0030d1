// Shared by benchmarks: a private schema and task queue on the local stack, and real worker processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../platform/config.js';
import { createPool, type Db } from '../platform/db.js';
import { migrateUp } from '../platform/migrations.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface BenchStack {
  config: Config;
  db: Db;
  client: Client;
  close(): Promise<void>;
}

export async function openBenchStack(name: string): Promise<BenchStack> {
  const suffix = randomBytes(3).toString('hex');
  const config: Config = {
    ...loadConfig(),
    PROMPTEVO_DB_SCHEMA: `bench_${name}_${suffix}`,
    TEMPORAL_TASK_QUEUE: `bench-${name}-${suffix}`,
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
      await db.query(`DROP SCHEMA IF EXISTS ${config.PROMPTEVO_DB_SCHEMA} CASCADE`);
      await db.end();
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function spawnWorker(config: Config, extraEnv: Record<string, string> = {}): WorkerProcess {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...extraEnv };
  for (const [key, value] of Object.entries(config)) env[key] = String(value);
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
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
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${log.slice(-2000)}`)));
  });
  return {
    child,
    ready,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
