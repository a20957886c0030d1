import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { maxSpend, zeroSpend, type EvaluateInput, type EvaluationResult, type Spend } from '../contracts/index.js';
import { chunk } from '../core/engine/plan.js';
import type { ActivityWindow } from './fan-out.js';

/** Told when each batch is scheduled and when it is back (a generation's `progress` query counts them). */
export interface BatchObserver {
  scheduled(exampleIds: string[]): void;
  finished(exampleIds: string[], result: EvaluationResult): void;
}

export interface BatchOptions {
  /** Examples per activity (examplesPerActivity of the run's search spec). */
  perActivity: number;
  /** The activity's summary in the Temporal UI. */
  summary: (batch: number, batches: number) => string;
  observer?: BatchObserver;
}

/**
 * Scores one program on `exampleIds` as parallel `evaluateCandidate` activities of `perActivity`
 * examples each, at most as many pending as `window` allows (shared with the workflow's other
 * fan-outs); returns the scores in the order of `exampleIds` and the run's spend afterwards.
 */
export async function evaluateInBatches(
  acts: Pick<ActivityInterfaceFor<Activities>, 'evaluateCandidate'>,
  window: ActivityWindow,
  input: Omit<EvaluateInput, 'exampleIds'>,
  exampleIds: string[],
  { perActivity, summary, observer }: BatchOptions,
): Promise<{ scores: number[]; spend: Spend }> {
  const parts = await Promise.all(
    chunk(exampleIds, perActivity).map(async (ids, i, all) => {
      observer?.scheduled(ids);
      const result = await window.run(() =>
        acts.evaluateCandidate.executeWithOptions({ summary: summary(i, all.length) }, [{ ...input, exampleIds: ids }]),
      );
      observer?.finished(ids, result);
      return result;
    }),
  );
  return {
    scores: parts.flatMap((p) => p.scores),
    spend: parts.reduce((spend, p) => maxSpend(spend, p.spend), zeroSpend),
  };
}
