import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { WorkerCheckReport } from '../activities/doctor.js';

const { runWorkerChecks } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

/** Round trip through a real worker: proves the worker polls, reaches Postgres and the model server. */
export async function doctorWorkflow(): Promise<WorkerCheckReport & { workflowId: string }> {
  const report = await runWorkerChecks();
  return { ...report, workflowId: workflowInfo().workflowId };
}
