import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess } from '../../infra/harness.js';
import { startExampleRun, waitForRow } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';

const temporalPidFile = '.data/run/temporal.pid';

function temporalHealthy(): boolean {
  try {
    execFileSync(
      'bash',
      ['-c', 'source infra/lib.sh && "$(temporal_bin)" operator cluster health --address 127.0.0.1:7233'],
      {
        stdio: 'pipe',
      },
    );
    return true;
  } catch {
    return false;
  }
}

/** The Temporal server (same SQLite file) is stopped and started again in the middle of a run. */
describe('Temporal server restart', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await openTestStack('server_restart');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('the run completes after the server comes back', async () => {
    const worker = startWorkerProcess(stack.config);
    await worker.ready;
    const { client, runId } = await startExampleRun(stack, `restart-${Date.now()}`);
    await waitForRow(stack, `SELECT count(*) > 0 FROM generations WHERE run_id = $1 AND generation = 1`, [runId]);

    const pid = Number(readFileSync(temporalPidFile, 'utf8'));
    process.kill(-pid, 'SIGTERM');
    const deadline = Date.now() + 60_000;
    while (temporalHealthy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(temporalHealthy()).toBe(false);
    execFileSync('bash', ['infra/stack.sh', 'up'], { stdio: 'pipe' });
    expect(temporalHealthy()).toBe(true);

    const result = await client.waitForResult(runId);
    await worker.kill('SIGTERM');
    expect(result.status).toBe('completed');
    expect(result.generations).toBe(5);
    // The run's own generations 0-5 (distillation's rounds are stored with stage 'distill').
    const { rows } = await stack.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM generations WHERE run_id = $1 AND stage = 'evolve'`,
      [runId],
    );
    expect(Number(rows[0]!.n)).toBe(6);
  });
});
