import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { maxSpend, zeroSpend, type EvaluateInput, type Spend } from '../contracts/index.js';
import { chunk, EVAL_BATCH } from '../core/engine/plan.js';

/**
 * Scores one program on `exampleIds` as parallel `evaluateCandidate` activities of EVAL_BATCH
 * examples each; returns the scores in the order of `exampleIds` and the run's spend afterwards.
 */
export async function evaluateInBatches(
  acts: Pick<ActivityInterfaceFor<Activities>, 'evaluateCandidate'>,
  input: Omit<EvaluateInput, 'exampleIds'>,
  exampleIds: string[],
  summary: (batch: number, batches: number) => string,
): Promise<{ scores: number[]; spend: Spend }> {
  const parts = await Promise.all(
    chunk(exampleIds, EVAL_BATCH).map((ids, i, all) =>
      acts.evaluateCandidate.executeWithOptions({ summary: summary(i, all.length) }, [{ ...input, exampleIds: ids }]),
    ),
  );
  return {
    scores: parts.flatMap((p) => p.scores),
    spend: parts.reduce((spend, p) => maxSpend(spend, p.spend), zeroSpend),
  };
}
