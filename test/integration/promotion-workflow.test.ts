import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  promotionStatusQuery,
  type EvaluateInput,
  type EvaluationResult,
  type JudgePromotionInput,
  type LabelMoveOutcome,
  type MovePromotedLabelInput,
  type PreparedPromotion,
  type PromotionInput,
  type PromotionJudgement,
  type PromotionResult,
  type PromotionStatusView,
  type RecordPromotionInput,
} from '../../contracts/index.js';
import { describePromotion } from '../../core/registry/promotion-message.js';
import { promotionTest } from '../../core/stats/promotion-test.js';
import { loadConfig } from '../../platform/config.js';
import { promotionWorkflow } from '../../workflows/promote.js';

/**
 * The promotion workflow's logic on the real Temporal dev server with stub activities (no
 * database, no model): what it scores, when it moves the label, and how it ends when the gate
 * refuses, when the compare-and-swap finds the label moved, and when preparation refuses.
 */
const exampleIds = Array.from({ length: 45 }, (_, i) => `ex-${i}`);
const cost = { calls: 90, cachedCalls: 0, tokens: 9000, usd: 0.01 };

interface StubOptions {
  /** Toy per-example score of each version (by model name). */
  score: (model: string, index: number) => number;
  move?: LabelMoveOutcome;
  prepareFails?: string;
  /** Evaluation waits for this before answering (a promotion cancelled while it scores). */
  hold?: Promise<void>;
  /** Called when the first evaluation starts. */
  onScoring?: () => void;
}

function stubActivities(options: StubOptions) {
  const evaluations: EvaluateInput[] = [];
  const moves: MovePromotedLabelInput[] = [];
  const records: RecordPromotionInput[] = [];
  const judged: JudgePromotionInput[] = [];
  const vectors = new Map<string, number[]>();
  return {
    evaluations,
    moves,
    records,
    judged,
    activities: {
      preparePromotion(input: PromotionInput): Promise<PreparedPromotion> {
        if (options.prepareFails) {
          return Promise.reject(ApplicationFailure.nonRetryable(options.prepareFails, 'PromotionSetOverlap'));
        }
        return Promise.resolve({
          champion: { version: input.champion, hash: 'hash-champion', model: `v${input.champion}` },
          challenger: { version: input.challenger, hash: 'hash-challenger', model: `v${input.challenger}` },
          exampleIds,
        });
      },
      async evaluateCandidate(input: EvaluateInput): Promise<EvaluationResult> {
        evaluations.push(input);
        options.onScoring?.();
        if (options.hold) await options.hold;
        const model = (input.role as { model: string }).model;
        const scores = input.exampleIds.map((id) => options.score(model, exampleIds.indexOf(id)));
        const all = vectors.get(model) ?? Array<number>(exampleIds.length).fill(Number.NaN);
        input.exampleIds.forEach((id, i) => (all[exampleIds.indexOf(id)] = scores[i]!));
        vectors.set(model, all);
        return { hash: input.hash, model, scores, mean: 0, spend: { calls: 0, cachedCalls: 0, tokens: 0, costUsd: 0 } };
      },
      judgePromotion(input: JudgePromotionInput): Promise<PromotionJudgement> {
        judged.push(input);
        const verdict = promotionTest(vectors.get(input.champion.model)!, vectors.get(input.challenger.model)!, {
          ...(input.minN !== undefined ? { minN: input.minN } : {}),
        });
        return Promise.resolve({ verdict, cost });
      },
      movePromotedLabel(input: MovePromotedLabelInput): Promise<LabelMoveOutcome> {
        moves.push(input);
        return Promise.resolve(options.move ?? { ok: true });
      },
      recordPromotion(input: RecordPromotionInput): Promise<PromotionResult> {
        records.push(input);
        return Promise.resolve({
          ...input,
          cost,
          message: describePromotion({ ...input, cost }),
        });
      },
    },
  };
}

describe('promotion workflow with stub activities', () => {
  let connection: Connection;
  let native: NativeConnection;
  let client: Client;
  const config = loadConfig();

  beforeAll(async () => {
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    native = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  });
  afterAll(async () => {
    await connection?.close();
    await native?.close();
  });

  async function promote(
    stubs: ReturnType<typeof stubActivities>,
  ): Promise<{ result: PromotionResult; view: PromotionStatusView }> {
    return run(stubs, async (handle) => ({
      result: await handle.result(),
      view: await handle.query(promotionStatusQuery),
    }));
  }

  async function run<T>(
    stubs: ReturnType<typeof stubActivities>,
    drive: (handle: WorkflowHandle<typeof promotionWorkflow>) => Promise<T>,
  ): Promise<T> {
    const taskQueue = `promote-stub-${randomBytes(4).toString('hex')}`;
    const worker = await Worker.create({
      connection: native,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
      activities: stubs.activities,
    });
    const input: PromotionInput = {
      promotionId: `promote-${taskQueue}-1`,
      name: taskQueue,
      label: 'production',
      champion: 1,
      challenger: 2,
      set: { kind: 'run-test', runId: 'some-run' },
      requestedBy: 'tester',
      reason: 'better rules',
    };
    return worker.runUntil(async () => {
      const handle = await client.workflow.start(promotionWorkflow, {
        workflowId: input.promotionId,
        taskQueue,
        args: [input],
      });
      return drive(handle);
    });
  }

  it('scores both versions on every example, promotes a clearly better challenger and moves the label', async () => {
    // The challenger is right on 40 of 45 examples, the champion on 20 (the first 20).
    const stubs = stubActivities({ score: (model, i) => (model === 'v2' ? (i < 40 ? 1 : 0) : i < 20 ? 1 : 0) });
    const { result, view } = await promote(stubs);

    for (const model of ['v1', 'v2']) {
      const calls = stubs.evaluations.filter((e) => (e.role as { model: string }).model === model);
      expect(calls.flatMap((c) => c.exampleIds).sort()).toEqual([...exampleIds].sort());
      expect(calls.every((c) => c.purpose === 'promotion' && c.runId.startsWith('promote-'))).toBe(true);
      expect(calls.length).toBe(3); // batches of 20
    }
    expect(stubs.moves).toHaveLength(1);
    expect(stubs.moves[0]).toMatchObject({ from: 1, to: 2, label: 'production', requestedBy: 'tester' });
    expect(stubs.moves[0]!.evidence.verdict.decision).toBe('promote');
    expect(result.status).toBe('promoted');
    expect(result.labelMoved).toBe(true);
    expect(result.verdict?.discordant).toEqual({ championBetter: 0, challengerBetter: 20 });
    expect(result.message).toMatch(/^Promoted: .*@production moved from version 1 to version 2\./);
    expect(view.phase).toBe('promotion:done');
    expect(view.examples).toBe(45);
  });

  it('refuses an equal challenger as not significant and leaves the label alone', async () => {
    const stubs = stubActivities({ score: (_model, i) => (i % 3 === 0 ? 0 : 1) });
    const { result } = await promote(stubs);
    expect(stubs.moves).toHaveLength(0);
    expect(result.status).toBe('refused');
    expect(result.labelMoved).toBe(false);
    expect(result.verdict?.reasons).toContain('not_significant');
    expect(stubs.records[0]).toMatchObject({ status: 'refused', labelMoved: false });
  });

  it('ends failed with the compare-and-swap message when the label moved meanwhile', async () => {
    const message =
      'x@production: version 1 → version 2 refused: expected x@production at version 1, but it points at version 3';
    const stubs = stubActivities({
      score: (model, i) => (model === 'v2' ? 1 : i < 10 ? 1 : 0),
      move: { ok: false, message },
    });
    const { result } = await promote(stubs);
    expect(stubs.moves).toHaveLength(1);
    expect(result.status).toBe('failed');
    expect(result.labelMoved).toBe(false);
    expect(result.verdict?.decision).toBe('promote');
    expect(stubs.records[0]!.error).toBe(message);
    expect(result.message).toContain(message);
  });

  it('records a refused preparation as a failed promotion without scoring anything', async () => {
    const problem = 'the promotion set (45 examples) overlaps the versions’ train and validation examples';
    const stubs = stubActivities({ score: () => 1, prepareFails: problem });
    const { result, view } = await promote(stubs);
    expect(stubs.evaluations).toHaveLength(0);
    expect(stubs.judged).toHaveLength(0);
    expect(result.status).toBe('failed');
    expect(result.verdict).toBeUndefined();
    expect(stubs.records[0]!.error).toBe(problem);
    expect(view.phase).toBe('promotion:done');
  });

  it('records a promotion cancelled while it scores as failed, saying it was cancelled', async () => {
    let release!: () => void;
    let scoring!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (scoring = resolve));
    const stubs = stubActivities({ score: () => 1, hold, onScoring: () => scoring() });
    const failure = await run(stubs, async (handle) => {
      await started;
      await handle.cancel();
      const error = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      release(); // let the held evaluations finish so the worker can stop
      return error;
    });
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(stubs.judged).toHaveLength(0);
    expect(stubs.moves).toHaveLength(0);
    expect(stubs.records).toHaveLength(1);
    expect(stubs.records[0]).toMatchObject({ status: 'failed', labelMoved: false });
    expect(stubs.records[0]!.error).toMatch(/^cancelled before it finished/);
  });
});
