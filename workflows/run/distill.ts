import { executeChild, ParentClosePolicy } from '@temporalio/workflow';
import {
  distillWorkflowId,
  phaseAttribute,
  SA,
  type DistillResult,
  type ScoredProgram,
} from '../../contracts/index.js';
import { resolveDistillConfig } from '../../core/engine/distill-plan.js';
import { distillWorkflow } from '../distill.js';
import type { Run } from './state.js';

/** Distils the best program into the student model as a child workflow, when the task asks for it. */
export async function distillBest(run: Run, best: ScoredProgram): Promise<DistillResult | undefined> {
  const { spec, runId } = run.input;
  if (!spec.distill) return undefined;
  run.enter('distilling', `Distilling ${best.hash.slice(0, 12)} into the student model`);
  const config = resolveDistillConfig(spec);
  return executeChild(distillWorkflow, {
    workflowId: distillWorkflowId(runId),
    args: [{ runId, teacherHash: best.hash, config, runBudget: run.state.budget }],
    parentClosePolicy: ParentClosePolicy.TERMINATE,
    staticSummary: `${spec.name}: distillation of run ${runId} into ${config.student}`,
    staticDetails: `Teacher ${config.teacher} (${best.hash.slice(0, 12)}); threshold ${config.threshold} on validation, at most ${config.maxRounds} round(s).`,
    typedSearchAttributes: [
      { key: SA.task, value: spec.name },
      { key: SA.runId, value: runId },
      phaseAttribute('distilling'),
    ],
  });
}
