import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import { startExampleRun } from '../support/runs.js';
import { useWorkerStack } from '../support/stack.js';
import { extendBudgetUpdate, type RunStatusView } from '../../contracts/index.js';

const budget =
  (usd: number, budgetWaitSeconds = 0) =>
  (spec: TaskSpec): TaskSpec => ({ ...spec, search: { ...spec.search, budget: { usd }, budgetWaitSeconds } });

/** Dollar budgets: a run stops at or under its budget with the best so far, and continues when extended. */
describe('budgets', () => {
  const ctx = useWorkerStack('budgets');

  it('stops at or under a $0.05 budget and reports the best result so far', async () => {
    const { client, runId } = await startExampleRun(ctx.stack, `budget-${Date.now()}`, budget(0.05));
    const result = await client.waitForResult(runId);
    console.info(`budget: $0.05 allowed, $${result.costUsd.toFixed(4)} spent over ${result.generations} generation(s)`);
    expect(result.status).toBe('budget_exhausted');
    expect(result.costUsd).toBeGreaterThan(0);
    expect(result.costUsd).toBeLessThanOrEqual(0.05);
    expect(result.generations).toBeLessThan(5);
    expect(result.best.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.best.val).not.toBeNull();
    const { rows } = await ctx.stack.db.query<{ status: string; cost: number }>(
      'SELECT r.status, (SELECT sum(cost_usd) FROM model_calls WHERE run_id = r.id) AS cost FROM runs r WHERE id = $1',
      [runId],
    );
    expect(rows[0]!.status).toBe('budget_exhausted');
    expect(rows[0]!.cost).toBeLessThanOrEqual(0.05);
  });

  it('waits for an extension when told to, stays paused if paused meanwhile, and completes once resumed', async () => {
    const { client, runId } = await startExampleRun(ctx.stack, `budget-extend-${Date.now()}`, budget(0.05, 600));
    const until = async (what: string, ok: (s: RunStatusView) => boolean): Promise<RunStatusView> => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const s = await client.status(runId);
        if (ok(s)) return s;
        if (Date.now() > deadline) throw new Error(`the run never reported ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const waiting = await until('budget_exhausted', (s) => s.status === 'budget_exhausted');
    await client.pause(runId);
    const extended = await client.run(runId).executeUpdate(extendBudgetUpdate, { args: [{ usd: 5 }] });
    expect(extended.usd).toBeCloseTo(5.05, 6);
    // The extension does not override the pause: the run stops where it waited.
    const paused = await until('paused', (s) => s.phase === 'paused');
    expect(paused.status).toBe('paused');
    expect(paused.generation).toBe(waiting.generation);
    await client.resume(runId);
    const result = await client.waitForResult(runId);
    expect(result.status).toBe('completed');
    expect(result.generations).toBe(5);
    expect(result.costUsd).toBeGreaterThan(0.05);
  });
});
