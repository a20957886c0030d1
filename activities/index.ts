import { type ActivityDeps } from './deps.js';
import { createDoctorActivities } from './doctor.js';

export type { ActivityDeps } from './deps.js';

/** All activities, bound to one worker's dependencies. Workflows import this type only. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDoctorActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
