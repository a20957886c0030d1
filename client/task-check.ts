import { TimeoutFailure, WorkflowFailedError, type Client } from '@temporalio/client';
import type { TaskCheckReport } from '../activities/task-check.js';
import { describeViolations } from '../core/policy/types.js';
import { findLiteralKeys } from '../core/task/spec-checks.js';
import { TaskSpecError } from '../core/task/spec-errors.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Config } from '../platform/config.js';
import { taskCheckWorkflow } from '../workflows/index.js';
import { CliError, EXIT } from './errors.js';

const CHECK_TIMEOUT_MS = 60_000;

export interface TaskCheckInput {
  spec: TaskSpec;
  datasetPath: string;
  taskFile: string;
  /** Names the check's workflow (`task-check-<label>`). */
  label: string;
}

/**
 * Before a run starts: the final spec (after any `adjust`) is checked here for secrets, so none
 * reaches Temporal's history, then sent to a worker, which holds the cluster's policy and answers
 * with every violation. Any violation is a usage error (exit 2) and nothing is started.
 */
export async function checkTaskOnWorker(
  temporal: Client,
  config: Config,
  input: TaskCheckInput,
): Promise<TaskCheckReport> {
  const secrets = findLiteralKeys(input.spec);
  if (secrets.length > 0) throw new CliError(new TaskSpecError(input.taskFile, secrets).message, EXIT.usage);
  let report: TaskCheckReport;
  try {
    report = await temporal.workflow.execute(taskCheckWorkflow, {
      workflowId: `task-check-${input.label}`,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowExecutionTimeout: CHECK_TIMEOUT_MS,
      args: [{ spec: input.spec, datasetPath: input.datasetPath, taskFile: input.taskFile }],
      staticSummary: `promptevo task check: may ${input.spec.name} run on this cluster?`,
    });
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof TimeoutFailure) {
      throw new CliError(
        `no worker on task queue ${config.TEMPORAL_TASK_QUEUE} answered the task check within ${CHECK_TIMEOUT_MS / 1000} s` +
          '; start a worker (`npm run worker`) and run again',
        EXIT.stackDown,
      );
    }
    if (err instanceof WorkflowFailedError) {
      let cause: Error | undefined = err.cause;
      while (cause?.cause instanceof Error) cause = cause.cause;
      throw new CliError(`the task check failed on a worker: ${cause?.message ?? err.message}`, EXIT.runFailed);
    }
    throw err;
  }
  if (report.violations.length > 0) {
    throw new CliError(describeViolations(input.taskFile, report.violations), EXIT.usage);
  }
  return report;
}
