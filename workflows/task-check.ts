import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { TaskCheckReport } from '../activities/task-check.js';
import type { TaskPolicyInput } from '../activities/task-policy.js';

const { checkTaskPolicy } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

/** Round trip through a worker: may this task run on the cluster? Every violation, or none. */
export async function taskCheckWorkflow(input: TaskPolicyInput): Promise<TaskCheckReport> {
  return checkTaskPolicy(input);
}
