// One benchmark arm on the real stack: a model server of its own, a private schema and task queue,
// N real worker processes, and helpers to run a task on them. Everything it starts is undone by
// the Cleanup it is given.
import {
  type WorkerProcess,
  startWorkerProcess,
  startSimServer,
  type SimServer,
  type SimServerOptions,
  openBenchStack,
  startWorkers,
  stopWorkers,
  type BenchStack,
} from '../infra/harness.js';
import { PromptevoClient } from '../client/api.js';
import type { LoadedTask } from '../client/task-file.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Config } from '../platform/config.js';
import type { Cleanup } from './cleanup.js';
import type { RunResult } from '../contracts/index.js';

export interface SessionOptions extends SimServerOptions {
  name: string;
  workers: number;
  config?: Partial<Config>;
}

export interface Session {
  server: SimServer;
  stack: BenchStack;
  /** Worker processes started so far, live or not. */
  workers: WorkerProcess[];
  client: PromptevoClient;
  /** Starts one more worker process and waits until it polls. */
  addWorker(): Promise<WorkerProcess>;
}

export async function openSession(cleanup: Cleanup, options: SessionOptions): Promise<Session> {
  const server = await startSimServer(options);
  cleanup.add('close model server', () => server.close());
  const stack = await openBenchStack(options.name, options.config);
  cleanup.add(`drop schema ${stack.config.PROMPTEVO_DB_SCHEMA}`, () => stack.close());
  const workers: WorkerProcess[] = [];
  cleanup.add('stop workers', () => stopWorkers(workers));
  if (options.workers > 0) workers.push(...(await startWorkers(stack.config, options.workers)));
  return {
    server,
    stack,
    workers,
    client: new PromptevoClient(stack.client, stack.config),
    async addWorker() {
      const worker = startWorkerProcess(stack.config);
      workers.push(worker);
      await worker.ready;
      return worker;
    },
  };
}

/** Starts an optimization run of `task` on the session's workers; terminated by cleanup if still running. */
export async function startRun(
  session: Session,
  cleanup: Cleanup,
  task: LoadedTask,
  runId: string,
  adjust: (spec: TaskSpec) => TaskSpec,
): Promise<{ result: Promise<RunResult>; started: number }> {
  const started = performance.now();
  await session.client.startTask(task, { runId, adjust });
  cleanup.add(`terminate run ${runId}`, () =>
    session.client
      .run(runId)
      .terminate('benchmark over')
      .catch(() => undefined),
  );
  return { result: session.client.waitForResult(runId), started };
}
