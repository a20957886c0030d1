import { type Client } from '@temporalio/client';
import { type Config } from '../platform/config.js';
import type { WorkerCheckReport } from '../activities/doctor.js';
import { doctorWorkflow } from '../workflows/index.js';

/** The typed programmatic client; the CLI is a thin layer over it. */
export class PromptevoClient {
  constructor(
    readonly temporal: Client,
    readonly config: Config,
  ) {}

  /** Runs the doctor workflow on a worker and returns what the worker found. */
  async doctor(timeoutMs = 30_000): Promise<WorkerCheckReport & { workflowId: string }> {
    const workflowId = `doctor-${Date.now().toString(36)}`;
    const handle = await this.temporal.workflow.start(doctorWorkflow, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowExecutionTimeout: timeoutMs,
      staticSummary: 'promptevo doctor: worker health check',
    });
    return handle.result();
  }
}
