import { type ActivityDeps } from './deps.js';
import { createDistillActivities } from './distill-activities.js';
import { createDoctorActivities } from './doctor.js';
import { createEvaluateActivity, createValidationScoresActivity } from './evaluate.js';
import { ModelGateway } from './model-gateway.js';
import { createProgramSummaryActivities } from './program-summaries.js';
import { createPromotionActivities } from './promotion.js';
import { createProposeActivity } from './propose.js';
import { createRunLifecycleActivities } from './run-lifecycle.js';
import { RunStore } from '../storage/run-store.js';
import { createTaskCheckActivities } from './task-check.js';
import { policyFromConfig } from '../platform/policy.js';

export type { ActivityDeps } from './deps.js';

/** All activities, bound to one worker's dependencies. Workflows import this type only. */
export function createActivities(deps: ActivityDeps) {
  const store = new RunStore(deps.db);
  // The cluster's task policy, from this worker's settings (roots resolved at start).
  const policy = policyFromConfig(deps.config);
  const gateway = new ModelGateway(deps.db, policy);
  return {
    ...createDoctorActivities(deps, policy),
    ...createTaskCheckActivities(deps, policy),
    ...createRunLifecycleActivities(deps, store, policy),
    ...createProgramSummaryActivities(deps, store),
    ...createDistillActivities(deps, store),
    ...createPromotionActivities(deps, policy),
    evaluateCandidate: createEvaluateActivity(deps, store, gateway),
    validationScores: createValidationScoresActivity(deps, store),
    proposeCandidate: createProposeActivity(deps, store, gateway),
  };
}

export type Activities = ReturnType<typeof createActivities>;
