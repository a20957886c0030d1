import {
  CancellationScope,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  TemporalFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  encodePurpose,
  phaseAttribute,
  promotionStatusQuery,
  type PromotionInput,
  type PromotionPhase,
  type PromotionResult,
  type PromotionStatusView,
  type RecordPromotionInput,
} from '../contracts/index.js';
import { EVAL_BATCH } from '../core/engine/plan.js';
import { ACTIVITY_OPTIONS } from './activity-options.js';
import { evaluateInBatches } from './evaluate-batches.js';
import { activityWindow } from './fan-out.js';

const acts = proxyActivities<Activities>({ ...ACTIVITY_OPTIONS, startToCloseTimeout: '10 minutes' });

/**
 * A gated promotion (`promote-<name>-<n>`):
 * 1. prepare: record it, check the label still points at the champion and that neither version
 *    was optimized on the promotion set, and create its run (kind 'promotion');
 * 2. score champion and challenger on every example of the set, each with its own endpoint and
 *    decoding (the evaluation activity, purpose `promotion`, booked under the promotion's id);
 * 3. judge: the paired test and the gates (`core/stats/promotion-test.ts`);
 * 4. when it promotes, move the label by compare-and-swap with the evidence; a label that moved
 *    meanwhile ends the promotion `failed` with the compare-and-swap's message;
 * 5. record how it ended. Any failure is recorded too, and returned as a `failed` result.
 */
export async function promotionWorkflow(input: PromotionInput): Promise<PromotionResult> {
  const { promotionId, name, label, champion, challenger } = input;
  const view: PromotionStatusView = { promotionId, name, label, champion, challenger, phase: 'promotion:preparing' };
  setHandler(promotionStatusQuery, () => view);
  const enter = (phase: PromotionPhase, details: string): void => {
    view.phase = phase;
    setCurrentDetails(details);
    upsertSearchAttributes([phaseAttribute(phase)]);
  };
  const ending = { promotionId, name, label, champion, challenger, ...(input.reason ? { reason: input.reason } : {}) };
  let end: RecordPromotionInput;
  try {
    enter('promotion:preparing', `Checking ${name}@${label} and the promotion set`);
    const prepared = await acts.preparePromotion(input);
    view.examples = prepared.exampleIds.length;
    enter(
      'promotion:scoring',
      `Scoring version ${champion} (champion) and version ${challenger} (challenger) on ${prepared.exampleIds.length} examples`,
    );
    const window = activityWindow();
    await Promise.all(
      [prepared.champion, prepared.challenger].map((entrant) =>
        evaluateInBatches(
          acts,
          window,
          {
            runId: promotionId,
            generation: 0,
            hash: entrant.hash,
            role: { model: entrant.model },
            purpose: encodePurpose({ stage: 'evolve', name: 'promotion' }),
          },
          prepared.exampleIds,
          { perActivity: EVAL_BATCH, summary: (i, n) => `promotion ${name}:${entrant.version}: batch ${i + 1}/${n}` },
        ),
      ),
    );
    enter('promotion:deciding', 'Paired test of challenger against champion');
    const judgement = await acts.judgePromotion({
      promotionId,
      champion: prepared.champion,
      challenger: prepared.challenger,
      ...(input.alpha !== undefined ? { alpha: input.alpha } : {}),
      ...(input.minEffect !== undefined ? { minEffect: input.minEffect } : {}),
      ...(input.minN !== undefined ? { minN: input.minN } : {}),
    });
    const { verdict } = judgement;
    if (verdict.decision !== 'promote') {
      end = { ...ending, status: 'refused', labelMoved: false, verdict };
    } else {
      const moved = await acts.movePromotedLabel({
        promotionId,
        name,
        label,
        from: champion,
        to: challenger,
        requestedBy: input.requestedBy,
        ...(input.reason ? { reason: input.reason } : {}),
        evidence: judgement,
      });
      end = moved.ok
        ? { ...ending, status: 'promoted', labelMoved: true, verdict }
        : { ...ending, status: 'failed', labelMoved: false, verdict, error: moved.message };
    }
  } catch (err) {
    if (isCancellation(err)) {
      // Cancelled (from the UI or the CLI): say so in the registry, which would otherwise show it running.
      const cancelled: RecordPromotionInput = {
        ...ending,
        status: 'failed',
        labelMoved: false,
        error: `cancelled before it finished; \`promptevo registry history ${name}\` shows whether ${name}@${label} moved`,
      };
      await CancellationScope.nonCancellable(() => acts.recordPromotion(cancelled));
      throw err;
    }
    end = { ...ending, status: 'failed', labelMoved: false, error: rootCauseMessage(err) };
  }
  const result = await acts.recordPromotion(end);
  view.result = result;
  enter('promotion:done', result.message);
  return result;
}

function rootCauseMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof TemporalFailure && current.cause) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
