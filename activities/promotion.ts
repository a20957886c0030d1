import { ApplicationFailure } from '@temporalio/activity';
import type { Example } from '../core/data/example.js';
import type { TaskPolicy } from '../core/policy/types.js';
import { checkSpecPolicy } from '../core/policy/check-spec.js';
import { labelMove } from '../core/registry/label-move.js';
import { describePromotion } from '../core/registry/promotion-message.js';
import {
  promotionModelName,
  promotionProblem,
  promotionSetOverlap,
  promotionSpec,
  type PromotionVersion,
} from '../core/registry/promotion-spec.js';
import { promotionTest } from '../core/stats/promotion-test.js';
import { insertCandidate } from '../storage/candidates.js';
import { countExamples, insertExamples, runExamples, splitIds } from '../storage/examples.js';
import { storedScores } from '../storage/evaluations.js';
import {
  findVersion,
  finishPromotion,
  insertPromotion,
  labelHistory,
  labelsOf,
  moveLabel,
} from '../storage/registry.js';
import { findRun, finishRun, insertRun } from '../storage/runs.js';
import { readRunSpend } from '../storage/spend.js';
import type { ActivityDeps } from './deps.js';
import { checkModelAccess } from './preflight.js';
import { policyFailure } from './task-policy.js';
import type {
  JudgePromotionInput,
  LabelMoveOutcome,
  MovePromotedLabelInput,
  PreparedPromotion,
  PromotionCost,
  PromotionInput,
  PromotionJudgement,
  PromotionResult,
  RecordPromotionInput,
} from '../contracts/index.js';

/**
 * The gated promotion's activities (workflows/promote.ts): prepare the promotion's run (its spec,
 * the promotion set as its test split, both versions as candidates), judge both versions' stored
 * scores, move the label by compare-and-swap, and record how it ended. Scoring itself is the
 * evaluation activity's (`evaluateCandidate`), with the purpose `promotion`.
 */
export function createPromotionActivities({ db }: ActivityDeps, policy: TaskPolicy) {
  const refuse = (message: string, type: string): ApplicationFailure => ApplicationFailure.nonRetryable(message, type);

  const loadVersion = async (name: string, version: number): Promise<PromotionVersion> => {
    const found = await findVersion(db, name, version);
    if (!found) {
      throw refuse(
        `${name}:${version} does not exist; \`promptevo registry show ${name}\` lists its versions`,
        'VersionNotFound',
      );
    }
    return found;
  };

  const promotionSet = async (input: PromotionInput, challenger: PromotionVersion): Promise<Example[]> => {
    if (input.set.kind === 'examples') return input.set.examples;
    const { runId } = input.set;
    const examples = (await runExamples(db, runId)).filter((e) => e.split === 'test');
    if (examples.length > 0) return examples.map(({ id, inputs, outputs }) => ({ id, inputs, outputs }));
    throw refuse(
      (await findRun(db, runId))
        ? `run ${runId}, which ${challenger.name}:${challenger.version} came from, has no test examples; ` +
            'pass a promotion set with --dataset FILE'
        : `run ${runId}, which ${challenger.name}:${challenger.version} came from, is no longer in the database, ` +
            'so its test split cannot be the promotion set; pass one with --dataset FILE',
      'NoPromotionSet',
    );
  };

  const cost = async (promotionId: string): Promise<PromotionCost> => {
    const spend = await readRunSpend(db, promotionId);
    return { calls: spend.calls, cachedCalls: spend.cachedCalls, tokens: spend.tokens, usd: spend.costUsd };
  };

  return {
    /**
     * Records the promotion, checks that the label still points at the champion and that the
     * promotion set is fair (neither version was optimized on any of it), then creates the
     * promotion's run (kind 'promotion'): spec, examples and both versions as candidates. Idempotent.
     */
    async preparePromotion(input: PromotionInput): Promise<PreparedPromotion> {
      const { promotionId: id, name, label } = input;
      await insertPromotion(db, {
        id,
        name,
        label,
        champion: input.champion,
        challenger: input.challenger,
        requestedBy: input.requestedBy,
      });
      const champion = await loadVersion(name, input.champion);
      const challenger = await loadVersion(name, input.challenger);
      const problem = promotionProblem(champion, challenger);
      if (problem) throw refuse(problem, 'NotComparable');
      const current = (await labelsOf(db, name))[label];
      if (current === undefined) {
        throw refuse(
          `${name}@${label} is not set, so there is no champion to compare against; its first move needs no ` +
            `gate: \`promptevo registry promote ${name}:${input.challenger} --label ${label}\``,
          'LabelUnset',
        );
      }
      if (current !== input.champion) {
        throw refuse(
          `${name}@${label} points at version ${current}, not at version ${input.champion} (the champion this ` +
            'promotion was started against); start the promotion again against the current version',
          'ChampionMoved',
        );
      }
      const set = await promotionSet(input, challenger);
      const overlap = promotionSetOverlap(set, [champion, challenger]);
      if (overlap) throw refuse(overlap, 'PromotionSetOverlap');
      const source = input.set.kind === 'examples' ? input.set.source : `the test split of run ${input.set.runId}`;
      let spec;
      try {
        spec = promotionSpec(champion, challenger, label, source);
      } catch (err) {
        throw refuse((err as Error).message, 'NotComparable');
      }
      const taskFile = `registry:${name}`;
      const violations = checkSpecPolicy(spec, policy);
      if (violations.length > 0) throw policyFailure(taskFile, violations);
      await checkModelAccess(spec, policy);
      await insertRun(db, {
        runId: id,
        taskName: name,
        taskFile,
        datasetPath: source,
        spec,
        seed: 0,
        kind: 'promotion',
      });
      if ((await findRun(db, id))?.kind !== 'promotion') {
        throw refuse(`id ${id} is already taken by an optimization run; start the promotion again`, 'IdTaken');
      }
      if ((await countExamples(db, id)) === 0) await insertExamples(db, id, { train: [], val: [], test: set });
      for (const v of [champion, challenger]) {
        await insertCandidate(db, {
          runId: id,
          hash: v.hash,
          genome: v.content.genome,
          parents: [],
          operator: 'registry',
          generation: 0,
          note: `${v.name}:${v.version}`,
          stage: 'evolve',
        });
      }
      const entrant = (v: PromotionVersion) => ({
        version: v.version,
        hash: v.hash,
        model: promotionModelName(v.version),
      });
      return {
        champion: entrant(champion),
        challenger: entrant(challenger),
        exampleIds: await splitIds(db, id, 'test'),
      };
    },

    /** Reads both versions' scores on the promotion set (same examples, same order) and applies the gates. */
    async judgePromotion(input: JudgePromotionInput): Promise<PromotionJudgement> {
      const ids = await splitIds(db, input.promotionId, 'test');
      const vectors = await Promise.all(
        [input.champion, input.challenger].map(async (e) => {
          const scores = await storedScores(db, input.promotionId, e.hash, e.model, ids);
          const missing = ids.filter((id) => !scores.has(id));
          if (missing.length > 0) {
            throw new Error(
              `promotion ${input.promotionId}: version ${e.version} has no score on ${missing.length} of ` +
                `${ids.length} examples (first: ${missing[0]}); score every example before judging`,
            );
          }
          return ids.map((id) => scores.get(id)!);
        }),
      );
      const verdict = promotionTest(vectors[0]!, vectors[1]!, {
        ...(input.alpha !== undefined ? { alpha: input.alpha } : {}),
        ...(input.minEffect !== undefined ? { minEffect: input.minEffect } : {}),
        ...(input.minN !== undefined ? { minN: input.minN } : {}),
      });
      return { verdict, cost: await cost(input.promotionId) };
    },

    /**
     * Moves the label from champion to challenger by compare-and-swap, with the evidence. A retry of
     * a move that already happened (the label at the challenger, moved by this promotion) is a success.
     */
    async movePromotedLabel(input: MovePromotedLabelInput): Promise<LabelMoveOutcome> {
      const move = labelMove(input.name, input.label, input.from, input.to);
      const check = await moveLabel(db, move, {
        how: 'promote',
        by: input.requestedBy,
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
        evidence: { promotionId: input.promotionId, ...input.evidence },
      });
      if (check.ok) return { ok: true };
      if (check.current === input.to) {
        const last = (await labelHistory(db, input.name, input.label)).at(-1);
        const evidence = last?.evidence as { promotionId?: string } | null | undefined;
        if (last?.to === input.to && evidence?.promotionId === input.promotionId) return { ok: true };
      }
      return { ok: false, message: check.message };
    },

    /** Records how the promotion ended (its row and its run's) and returns its result with the cost. */
    async recordPromotion(input: RecordPromotionInput): Promise<PromotionResult> {
      const spent = await cost(input.promotionId);
      const result: PromotionResult = {
        promotionId: input.promotionId,
        name: input.name,
        label: input.label,
        champion: input.champion,
        challenger: input.challenger,
        status: input.status,
        labelMoved: input.labelMoved,
        ...(input.verdict ? { verdict: input.verdict } : {}),
        cost: spent,
        message: describePromotion({ ...input, cost: spent }),
      };
      await finishPromotion(db, input.promotionId, input.status, {
        ...(input.verdict ? { verdict: input.verdict } : {}),
        cost: spent,
        labelMoved: input.labelMoved,
        message: result.message,
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
        ...(input.error !== undefined ? { error: input.error } : {}),
      });
      await finishRun(db, input.promotionId, input.status, result);
      return result;
    },
  };
}
