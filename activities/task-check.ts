import type { PolicyViolation, TaskPolicy } from '../core/policy/types.js';
import type { ActivityDeps } from './deps.js';
import { findPolicyViolations, type TaskPolicyInput } from './task-policy.js';

export interface TaskCheckReport {
  worker: string;
  violations: PolicyViolation[];
}

/**
 * The client's check before a run starts, answered by a worker: workers hold the policy (their
 * settings) and the environment, so only they can say whether a task may run here. Reads no key
 * and sends nothing; a dataset is opened only when it lies inside the data roots.
 */
export function createTaskCheckActivities({ workerIdentity }: ActivityDeps, policy: TaskPolicy) {
  return {
    async checkTaskPolicy(input: TaskPolicyInput): Promise<TaskCheckReport> {
      return { worker: workerIdentity, violations: await findPolicyViolations(input, policy) };
    },
  };
}
