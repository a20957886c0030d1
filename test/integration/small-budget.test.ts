import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';
import type { RunResult } from '../../contracts/index.js';

/**
 * A small budget is spent where it counts: the ticket-routing example with 400 calls (90
 * validation and 90 test examples) still screens and validates children, and scores both the
 * seed and the best on test, because those calls were reserved from the start.
 */
describe('a 400-call run of the ticket-routing example', () => {
  let stack: TestStack;
  let result: RunResult;

  beforeAll(async () => {
    stack = await openTestStack('small-budget');
    const worker = await stack.startWorker();
    result = await worker.runUntil(
      runExample(stack, `small-${Date.now()}`, (spec) => {
        const { distill: _distill, ...rest } = spec;
        return { ...rest, search: { ...spec.search, budget: { calls: 400 } } };
      }),
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('evaluates children and reports the seed and the best on test, within the budget', async () => {
    console.info(
      `400 calls: ${result.modelCalls} paid, ${result.generations + 1} generation(s); ` +
        `seed val ${result.baseline.val?.toFixed(3)} test ${result.baseline.test?.toFixed(3)}; ` +
        `best val ${result.best.val?.toFixed(3)} test ${result.best.test?.toFixed(3)}; ${result.winner.verdict}`,
    );
    expect(result.status).toBe('budget_exhausted');
    expect(result.baseline.test).not.toBeNull();
    expect(result.best.test).not.toBeNull();
    expect(result.modelCalls).toBeLessThanOrEqual(400);
    const { rows } = await stack.db.query<{ promoted: number }>(
      `SELECT sum((stats->>'promoted')::int) AS promoted FROM generations WHERE run_id = $1`,
      [result.runId],
    );
    expect(Number(rows[0]!.promoted)).toBeGreaterThanOrEqual(1);
    expect(result.best.hash).not.toBe(result.baseline.hash);
    expect(result.winner.n).toBe(90);
    expect(typeof result.winner.pValue).toBe('number');
    // No production scoring when the budget is gone: the seed and the best on test came first.
    expect(result.production).toEqual([]);
  });
});
