import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { EndpointCheck } from '../activities/preflight.js';
import type { ModelSpec } from '../core/task/model-spec.js';

const { checkTaskEndpoints } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 1 },
});

/**
 * Before a run starts, from a worker (where the API keys are): every endpoint the task uses is
 * reachable, accepts its key and serves its model id. The client starts this and reads the result.
 */
export async function endpointCheckWorkflow(endpoints: Record<string, ModelSpec>): Promise<EndpointCheck[]> {
  return checkTaskEndpoints(endpoints);
}
