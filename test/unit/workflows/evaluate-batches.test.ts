import { describe, expect, it } from 'vitest';
import { encodePurpose, type EvaluateInput, type EvaluationResult } from '../../../contracts/index.js';
import { EVAL_BATCH, examplesPerActivity } from '../../../core/engine/plan.js';
import { searchSpecSchema } from '../../../core/task/search-spec.js';
import { evaluateInBatches } from '../../../workflows/evaluate-batches.js';
import { ActivityWindow } from '../../../workflows/fan-out.js';

/** An evaluateCandidate stand-in: scores each example by its number, spends one call per example. */
function stubActs(calls: EvaluateInput[]) {
  return {
    evaluateCandidate: {
      executeWithOptions: (_options: unknown, [input]: [EvaluateInput]): Promise<EvaluationResult> => {
        calls.push(input);
        const scores = input.exampleIds.map((id) => Number(id.slice(1)) / 100);
        const done = calls.reduce((n, c) => n + c.exampleIds.length, 0);
        return Promise.resolve({
          hash: input.hash,
          model: 'm',
          scores,
          mean: 0,
          spend: { calls: done, cachedCalls: 0, tokens: 0, costUsd: 0 },
        });
      },
    },
  } as unknown as Parameters<typeof evaluateInBatches>[0];
}

const ids = Array.from({ length: 45 }, (_, i) => `e${i}`);
const input = {
  runId: 'r',
  generation: 0,
  hash: 'h',
  role: 'dev' as const,
  purpose: encodePurpose({ stage: 'evolve', name: 'validate' }),
};

describe('evaluateInBatches', () => {
  it('splits the examples into activities of perActivity and returns the scores in order', async () => {
    const calls: EvaluateInput[] = [];
    const summaries: string[] = [];
    const result = await evaluateInBatches(stubActs(calls), new ActivityWindow(200), input, ids, {
      perActivity: 20,
      summary: (i, n) => (summaries.push(`${i + 1}/${n}`), ''),
    });
    expect(calls.map((c) => c.exampleIds.length)).toEqual([20, 20, 5]);
    expect(summaries).toEqual(['1/3', '2/3', '3/3']);
    expect(result.scores).toEqual(ids.map((id) => Number(id.slice(1)) / 100));
    expect(result.spend.calls).toBe(45);
  });

  it('makes one activity when perActivity covers every example', async () => {
    const calls: EvaluateInput[] = [];
    await evaluateInBatches(stubActs(calls), new ActivityWindow(200), input, ids, {
      perActivity: 100,
      summary: () => '',
    });
    expect(calls.map((c) => c.exampleIds)).toEqual([ids]);
  });
});

describe('search.examplesPerActivity', () => {
  it('defaults to EVAL_BATCH, and a spec recorded before the setting keeps EVAL_BATCH', () => {
    expect(searchSpecSchema.parse({}).examplesPerActivity).toBe(EVAL_BATCH);
    expect(examplesPerActivity({})).toBe(EVAL_BATCH);
    expect(examplesPerActivity({ examplesPerActivity: 100 })).toBe(100);
  });

  it('refuses a size below 1 with the field named', () => {
    const parsed = searchSpecSchema.safeParse({ examplesPerActivity: 0 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['examplesPerActivity']);
  });
});
