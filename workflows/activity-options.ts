import type { ActivityOptions } from '@temporalio/workflow';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS } from '../contracts/index.js';

/**
 * What every workflow's activities share: the heartbeat timeout (a killed worker's activity is
 * retried once it passes) and the retry policy. The first retry waits half a second, so a killed
 * worker's activity starts again about 10.5 s after its last beat; later retries back off to 30 s.
 * Each workflow adds its own start-to-close timeout.
 */
export const ACTIVITY_OPTIONS = {
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT_MS,
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 20,
  },
} satisfies ActivityOptions;
