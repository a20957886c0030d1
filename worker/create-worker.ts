import { hostname } from 'node:os';
import { NativeConnection, Worker } from '@temporalio/worker';
import { type Logger } from 'pino';
import { createActivities } from '../activities/index.js';
import { heartbeatWhileRunning } from '../activities/heartbeat.js';
import { HEARTBEAT_EVERY_MS } from '../contracts/index.js';
import { type Config } from '../platform/config.js';
import { type Db } from '../platform/db.js';
import { bundlerOptions, workflowsPath } from './workflow-bundle.js';

export interface PromptevoWorkerOptions {
  config: Config;
  connection: NativeConnection;
  db: Db;
  log: Logger;
  taskQueue?: string;
  workflowBundle?: { code: string };
  identity?: string;
}

export const SHUTDOWN_GRACE = '3 seconds';
export const SHUTDOWN_FORCE = '15 seconds';

export async function createPromptevoWorker(options: PromptevoWorkerOptions): Promise<Worker> {
  const { config, connection, db, log } = options;
  const identity = options.identity ?? `${process.pid}@${hostname()}`;
  const activities = createActivities({ config, db, log, workerIdentity: identity });
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: options.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
    identity,
    activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath, bundlerOptions }),
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_WORKFLOWS,
    // Every activity heartbeats from a timer, and the SDK passes beats on at this pace rather than
    // at 80% of the heartbeat timeout, so a slow beat never comes close to timing a healthy one out.
    interceptors: { activity: [heartbeatWhileRunning] },
    maxHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS,
    // On SIGTERM: activities get this long to finish, then are cancelled; their model calls abort
    // (the gateway passes the cancellation signal to every request and wait) and Temporal retries
    // them on another worker. Past the force time the worker gives up waiting altogether.
    shutdownGraceTime: SHUTDOWN_GRACE,
    shutdownForceTime: SHUTDOWN_FORCE,
  });
}

export async function connectWorker(config: Config): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  } catch (err) {
    throw new Error(
      `cannot reach the Temporal server at ${config.TEMPORAL_ADDRESS} (${(err as Error).message}); ` +
        'start the stack with `bash infra/stack.sh up` or set TEMPORAL_ADDRESS',
    );
  }
}
