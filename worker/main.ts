// The worker process: `node --import tsx worker/main.ts`. Stops gracefully on SIGINT/SIGTERM:
// in-flight activities get a few seconds to finish, then are cancelled (their model calls abort)
// and retried elsewhere by Temporal; the process exits within seconds even with a call stuck.
import { GracefulShutdownPeriodExpiredError, Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../platform/config.js';
import { createPool } from '../platform/db.js';
import { logger, registerSecret } from '../platform/logger.js';
import { databasePassword } from '../platform/redact.js';
import { connectWorker, createPromptevoWorker } from './create-worker.js';
import { workerWorkflowBundle } from './workflow-bundle.js';
import { temporalLogger } from './temporal-logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  // The environment's keys are registered when the logger is created; the database password may come from a file.
  registerSecret(databasePassword(config.DATABASE_URL));
  const log = logger().child({ component: 'worker' });
  Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'], logger: temporalLogger(log) });
  const connection = await connectWorker(config);
  const db = createPool(config, config.WORKER_DB_POOL);
  try {
    const workflowBundle = await workerWorkflowBundle(config.WORKFLOW_BUNDLE_CACHE, log);
    const worker = await createPromptevoWorker({ config, connection, db, log, workflowBundle });
    log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'worker started');
    try {
      await worker.run();
      log.info('worker stopped');
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (!(err instanceof GracefulShutdownPeriodExpiredError || cause instanceof GracefulShutdownPeriodExpiredError)) {
        throw err;
      }
      // Something ignored cancellation: exit anyway; Temporal retries its activities elsewhere.
      log.warn('worker shutdown did not finish within the force time; exiting');
      process.exit(0);
    }
  } finally {
    await db.end();
    await connection.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`promptevo worker: ${err.message}`);
  } else {
    logger().error({ err }, 'worker failed');
  }
  process.exit(1);
});
