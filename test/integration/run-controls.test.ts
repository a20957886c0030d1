import { describe, expect, it } from 'vitest';
import type { PromptevoClient } from '../../client/api.js';
import { startExampleRun } from '../support/runs.js';
import { useWorkerStack } from '../support/stack.js';
import {
  extendBudgetUpdate,
  pauseSignal,
  resumeSignal,
  stopSignal,
  type RunStatusView,
} from '../../contracts/index.js';

async function waitForStatus(
  client: PromptevoClient,
  runId: string,
  ok: (s: RunStatusView) => boolean,
): Promise<RunStatusView> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await client.status(runId);
    if (ok(status)) return status;
    if (Date.now() > deadline) throw new Error(`status never matched; last: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pause, resume, stop early and extend the budget of a live run; watch it through the status query. */
describe('run controls', () => {
  const ctx = useWorkerStack('controls');

  it('pauses between generations, reports it, and resumes to completion', async () => {
    const { client, runId } = await startExampleRun(ctx.stack, `pause-${Date.now()}`);
    const handle = client.run(runId);
    await waitForStatus(client, runId, (s) => s.generation >= 1);
    await handle.signal(pauseSignal);
    const paused = await waitForStatus(client, runId, (s) => s.status === 'paused');
    const generationAtPause = paused.generation;
    // Still paused, and no newer generation workflow exists, once the current one has finished.
    const settled = await waitForStatus(
      client,
      runId,
      (s) => s.status === 'paused' && s.generation === generationAtPause,
    );
    expect(settled.history.length).toBe(settled.generation + 1);
    await handle.signal(resumeSignal);
    const result = await client.waitForResult(runId);
    expect(result.status).toBe('completed');
    expect(result.generations).toBe(5);
  });

  it('stops early: finishes the current generation, then reports the best so far', async () => {
    const { client, runId } = await startExampleRun(ctx.stack, `stop-${Date.now()}`);
    await waitForStatus(client, runId, (s) => s.generation >= 1);
    await client.run(runId).signal(stopSignal);
    const result = await client.waitForResult(runId);
    expect(result.status).toBe('stopped');
    expect(result.generations).toBeLessThan(5);
    expect(result.best.test).not.toBeNull();
    const { rows } = await ctx.stack.db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [runId]);
    expect(rows[0]!.status).toBe('stopped');
  });

  it('extends the budget by update and rejects a nonsensical extension', async () => {
    const { client, runId } = await startExampleRun(ctx.stack, `extend-${Date.now()}`, (spec) => ({
      ...spec,
      search: { ...spec.search, budget: { calls: 100_000 } },
    }));
    const handle = client.run(runId);
    const budget = await handle.executeUpdate(extendBudgetUpdate, { args: [{ calls: 500 }] });
    expect(budget.calls).toBe(100_500);
    const refused = await handle
      .executeUpdate(extendBudgetUpdate, { args: [{ calls: -3 }] })
      .catch((err: Error) => err);
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error & { cause?: Error }).cause?.message)).toMatch(/calls must be a positive number/);
    const status = await client.status(runId);
    expect(status.budget.calls).toBe(100_500);
    await handle.signal(stopSignal);
    await client.waitForResult(runId);
  });
});
