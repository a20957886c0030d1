// Shared by benchmarks: a private schema and task queue on the local stack, and real worker processes.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../platform/config.js';
import { createPool, type Db } from '../platform/db.js';
import { dropSchema, migrateUp } from '../platform/migrations.js';
import { startWorkerProcess, type WorkerProcess } from '../infra/worker-process.js';

export interface BenchStack {
  config: Config;
  db: Db;
  client: Client;
  close(): Promise<void>;
}

export async function openBenchStack(name: string, overrides: Partial<Config> = {}): Promise<BenchStack> {
  const suffix = randomBytes(3).toString('hex');
  const config: Config = {
    ...loadConfig(),
    ...overrides,
    PROMPTEVO_DB_SCHEMA: `bench_${name.replace(/[^a-z0-9]/gi, '_')}_${suffix}`,
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
      await dropSchema(db, config.PROMPTEVO_DB_SCHEMA);
      await db.end();
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
