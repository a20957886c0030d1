import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptevoClient } from '../../client/api.js';
import { loadTaskFile } from '../../client/task-file.js';
import type { RunResult } from '../../workflows/run.js';
import { openTestStack, type TestStack } from '../support/stack.js';

/**
 * The whole path on the real stack: client → Temporal → worker → model server (simulated
 * backend, through the openai client) → PostgreSQL, for the example task the quickstart runs.
 */
describe('optimization run end to end', () => {
  let stack: TestStack;
  let result: RunResult;

  beforeAll(async () => {
    stack = await openTestStack('e2e');
    const worker = await stack.startWorker();
    const client = new PromptevoClient(stack.client, stack.config);
    const task = loadTaskFile('examples/ticket-routing/task.yaml');
    result = await worker.runUntil(async () => {
      const started = await client.startTask(task, { runId: `e2e-${Date.now()}` });
      return client.waitForResult(started.runId);
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('beats the seed prompt on the held-out test split by at least 0.15 accuracy', () => {
    console.info(
      `e2e: seed test ${result.baseline.test?.toFixed(3)} → best test ${result.best.test?.toFixed(3)} ` +
        `(${result.modelCalls} paid calls, $${result.costUsd.toFixed(4)})`,
    );
    expect(result.status).toBe('completed');
    expect(result.baseline.test).not.toBeNull();
    expect(result.best.test).not.toBeNull();
    expect(result.best.test! - result.baseline.test!).toBeGreaterThanOrEqual(0.15);
    expect(result.best.hash).not.toBe(result.baseline.hash);
    expect(result.generations).toBe(5);
  });

  it('reports the numbers PostgreSQL holds', async () => {
    const { rows: runs } = await stack.db.query<{ status: string; result: RunResult }>(
      'SELECT status, result FROM runs WHERE id = $1',
      [result.runId],
    );
    expect(runs[0]!.status).toBe('completed');
    expect(runs[0]!.result.best).toEqual(result.best);

    const { rows: calls } = await stack.db.query<{ paid: string; cached: string; tokens: string; cost: number }>(
      `SELECT count(*) FILTER (WHERE NOT cached) AS paid, count(*) FILTER (WHERE cached) AS cached,
              sum(prompt_tokens + completion_tokens) FILTER (WHERE NOT cached) AS tokens, sum(cost_usd) AS cost
         FROM model_calls WHERE run_id = $1`,
      [result.runId],
    );
    expect(result.modelCalls).toBe(Number(calls[0]!.paid));
    expect(result.cachedCalls).toBe(Number(calls[0]!.cached));
    expect(result.tokens).toBe(Number(calls[0]!.tokens));
    expect(result.costUsd).toBeCloseTo(calls[0]!.cost, 9);
    expect(result.modelCalls).toBeGreaterThan(100);
    const perModel = Object.values(result.spendByModel);
    expect(perModel.reduce((n, m) => n + m.calls, 0)).toBe(result.modelCalls);
    expect(perModel.reduce((n, m) => n + m.costUsd, 0)).toBeCloseTo(result.costUsd, 9);
    expect(Object.keys(result.spendByModel)).toEqual(['sim-large']);

    // The best program's test score is the mean of its stored per-example test evaluations.
    const { rows: test } = await stack.db.query<{ mean: number; n: string }>(
      `SELECT avg(v.score) AS mean, count(*) AS n FROM evaluations v
         JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id AND e.split = 'test'
        WHERE v.run_id = $1 AND v.candidate_hash = $2`,
      [result.runId, result.best.hash],
    );
    expect(Number(test[0]!.n)).toBeGreaterThan(0);
    expect(result.best.test).toBeCloseTo(test[0]!.mean, 3);

    const { rows: generations } = await stack.db.query<{ generation: number }>(
      'SELECT generation FROM generations WHERE run_id = $1 ORDER BY generation',
      [result.runId],
    );
    expect(generations.map((g) => g.generation)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('lists the run and one workflow per generation under the run id search attribute', async () => {
    const ids: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `PromptEvoRunId = '${result.runId}'` }))
      ids.push(wf.workflowId);
    expect(ids.sort()).toEqual(
      [
        `run-${result.runId}`,
        ...[0, 1, 2, 3, 4, 5].map((g) => `run-${result.runId}-gen-${String(g).padStart(3, '0')}`),
      ].sort(),
    );
  });
});
