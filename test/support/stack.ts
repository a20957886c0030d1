import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db.js';
import { createLogger } from '../../platform/logger.js';
import { createPromptevoWorker } from '../../worker/create-worker.js';
import { openSuiteStack, startWorkerProcess, type WorkerProcess } from '../../infra/harness.js';

/**
 * One integration test file's share of the real stack: its own PostgreSQL schema (migrated from
 * scratch, dropped at the end) and its own task queue on the shared Temporal dev server.
 */
export interface TestStack {
  config: Config;
  db: Db;
  client: Client;
  taskQueue: string;
  startWorker(overrides?: Partial<Config>): Promise<Worker>;
  close(): Promise<void>;
}

let runtimeInstalled = false;

export async function openTestStack(name: string): Promise<TestStack> {
  if (!runtimeInstalled) {
    // Test output shows the SDK's warnings and errors, not its lifecycle chatter.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const suite = await openSuiteStack(name, { prefix: 't', queuePrefix: 'test' });
  const { config, db, client } = suite;
  const workflowBundle = { code: readFileSync(inject('workflowBundlePath'), 'utf8') };
  const nativeConnections: NativeConnection[] = [];
  const log = createLogger('warn');

  return {
    config,
    db,
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    async startWorker(overrides = {}) {
      const native = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
      nativeConnections.push(native);
      return createPromptevoWorker({
        config: { ...config, ...overrides },
        connection: native,
        db,
        log,
        workflowBundle,
      });
    },
    async close() {
      await Promise.all(nativeConnections.map((c) => c.close()));
      await suite.close();
    },
  };
}

export interface WorkerStack {
  stack: TestStack;
  worker: WorkerProcess;
}

/**
 * Opens a test stack and starts one real worker process before the file's tests, and stops both
 * after them. Fields are set once the `beforeAll` hook has run.
 */
export function useWorkerStack(name: string): WorkerStack {
  const ctx = {} as WorkerStack;
  beforeAll(async () => {
    ctx.stack = await openTestStack(name);
    ctx.worker = startWorkerProcess(ctx.stack.config);
    await ctx.worker.ready;
  });
  afterAll(async () => {
    await ctx.worker?.kill('SIGTERM');
    await ctx.stack?.close();
  });
  return ctx;
}
