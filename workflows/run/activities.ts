import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { ACTIVITY_OPTIONS } from '../activity-options.js';

/** The run workflow's activities: preparation, final scoring, production scoring, recording. */
export const acts = proxyActivities<Activities>({ ...ACTIVITY_OPTIONS, startToCloseTimeout: '10 minutes' });
