import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS } from '../../contracts/index.js';

/** The run workflow's activities: preparation, final scoring, production scoring, recording. */
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT_MS,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});
