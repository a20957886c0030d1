import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTaskFile } from '../../client/task-file.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import { startWorkerProcess, type WorkerProcess } from '../../infra/harness.js';
import { runExample, startExampleRun, waitForRow } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';

function postgres(command: 'start' | 'stop'): void {
  execFileSync('bash', ['infra/postgres.sh', command], { stdio: 'pipe' });
}

function postgresReady(): boolean {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Evolution only: distillation adds nothing to what a database outage tests. */
const adjust = (spec: TaskSpec): TaskSpec => {
  const { distill: _distill, ...rest } = spec;
  return { ...rest, search: { ...spec.search, generations: 3 } };
};

/** The example task as the runs start it. */
function startedSpec(): TaskSpec {
  return adjust(loadTaskFile('examples/ticket-routing/task.yaml').spec);
}

/** Paid (not cached) model calls in the run's ledger. */
async function paidCalls(stack: TestStack, runId: string): Promise<number> {
  const { rows } = await stack.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM model_calls WHERE run_id = $1 AND NOT cached`,
    [runId],
  );
  return Number(rows[0]!.n);
}

/**
 * PostgreSQL is stopped in the middle of a run and started again once the worker's activities have
 * failed against it; the run completes with the same best program as the same run without an
 * outage (each in its own schema, so neither is served from the other's cache), paying again only
 * for requests that were in flight.
 */
describe('PostgreSQL restart', () => {
  let reference: TestStack;
  let interrupted: TestStack;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    reference = await openTestStack('pg_restart_ref');
    interrupted = await openTestStack('pg_restart');
    for (const stack of [reference, interrupted]) workers.push(startWorkerProcess(stack.config));
    await Promise.all(workers.map((w) => w.ready));
  });
  afterAll(async () => {
    if (!postgresReady()) postgres('start');
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await reference?.close();
    await interrupted?.close();
  });

  it('a run completes with the same best program as without the outage, paying again only for calls in flight', async () => {
    const expected = await runExample(reference, `pg-ref-${Date.now()}`, adjust);
    expect(expected.status).toBe('completed');

    const { client, runId } = await startExampleRun(interrupted, `pg-restart-${Date.now()}`, adjust);
    await waitForRow(interrupted, `SELECT count(*) > 0 FROM generations WHERE run_id = $1 AND generation = 0`, [runId]);
    postgres('stop');
    expect(postgresReady()).toBe(false);
    // Wait until the outage has been felt: an activity of the run has failed an attempt and is retrying.
    const deadline = Date.now() + 120_000;
    while (!(await retryingActivity(interrupted, runId))) {
      if (Date.now() > deadline) throw new Error('no activity retried during the PostgreSQL outage');
      await new Promise((r) => setTimeout(r, 200));
    }
    postgres('start');
    expect(postgresReady()).toBe(true);

    const result = await client.waitForResult(runId);
    expect(result.status).toBe('completed');
    expect(result.best.hash).toBe(expected.best.hash);
    expect(result.best.test).toBe(expected.best.test);
    // Requests in flight when the database went away were sent and are sent again (README, "What
    // 'never pays twice' covers"), and two identical requests in flight at once are both paid in
    // any run (whichever answers first fills the cache): the paid calls of the two runs differ by
    // at most the calls one worker has in flight (maxConcurrency per endpoint).
    const [paid, paidWithout] = [await paidCalls(interrupted, runId), await paidCalls(reference, expected.runId)];
    const inFlight = Object.values(startedSpec().models).reduce((n, m) => n + m.maxConcurrency, 0);
    expect(Math.abs(paid - paidWithout)).toBeLessThanOrEqual(inFlight);
  });
});

/** Whether a running workflow of the run (the run or one of its generations) has an activity on a retry. */
async function retryingActivity(stack: TestStack, runId: string): Promise<boolean> {
  for await (const execution of stack.client.workflow.list({
    query: `TaskQueue = '${stack.taskQueue}' AND ExecutionStatus = 'Running'`,
  })) {
    if (!execution.workflowId.includes(runId)) continue;
    const described = await stack.client.workflow.getHandle(execution.workflowId).describe();
    const pending = described.raw.pendingActivities ?? [];
    if (pending.some((a) => (a.attempt ?? 0) > 1)) return true;
  }
  return false;
}
