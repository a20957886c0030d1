// Shared by benchmarks: a private schema and task queue on the local stack, and real worker processes.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../platform/config.js';
import { createPool, type Db } from '../platform/db.js';
import { migrateUp } from '../platform/migrations.js';
import { startWorkerProcess, type WorkerProcess } from '../infra/worker-process.js';

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

/** Benchmarks start workers exactly as tests do. */
export function spawnWorker(config: Config, extraEnv: Record<string, string> = {}): WorkerProcess {
  return startWorkerProcess(config, extraEnv);
}
