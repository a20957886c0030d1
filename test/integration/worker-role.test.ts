import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptevoClient } from '../../client/api.js';
import { startWorkerProcess, type WorkerProcess, pointAt } from '../../infra/harness.js';
import type { Config } from '../../platform/config.js';
import { createPool, type Db } from '../../platform/db.js';
import { grantWorkerRole } from '../../platform/migrations.js';
import { startExampleRun } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';

/** The local cluster's least-privilege role (infra/postgres.sh creates it; the stack's `up` runs that). */
const ROLE = 'promptevo_worker';

/**
 * A worker logged in as the least-privilege role does everything a run needs (evolution,
 * production scoring, distillation, shared rate limits, the doctor check), and that role cannot
 * change the schema: the tables are migrated and owned by the owner role.
 */
describe('workers on the least-privilege database role', () => {
  let stack: TestStack;
  let workerConfig: Config;
  let worker: WorkerProcess;
  let asWorker: Db;

  beforeAll(async () => {
    stack = await openTestStack('worker-role');
    await grantWorkerRole(stack.config, ROLE);
    const url = new URL(stack.config.DATABASE_URL);
    url.username = ROLE;
    url.password = process.env.PROMPTEVO_WORKER_DB_PASSWORD ?? 'promptevo_worker';
    workerConfig = { ...stack.config, DATABASE_URL: url.toString() };
    asWorker = createPool(workerConfig, 2);
    worker = startWorkerProcess(workerConfig);
    await worker.ready;
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await asWorker?.end();
    await stack?.close();
  });

  it('runs an optimization with distillation and the doctor check to the end', async () => {
    const { rows: who } = await asWorker.query<{ user: string }>('SELECT current_user AS user');
    expect(who[0]!.user).toBe(ROLE);
    const { client, runId } = await startExampleRun(stack, `worker-role-${Date.now()}`, (spec) =>
      pointAt('http://127.0.0.1:8787/v1', { rpm: 100_000 })({
        ...spec,
        search: { ...spec.search, generations: 1, populationSize: 4 },
        distill: { ...spec.distill!, maxRounds: 1 },
      }),
    );
    const result = await client.waitForResult(runId);
    expect(result.status).toBe('completed');
    expect(result.distill).toBeDefined();
    const doctor = await new PromptevoClient(stack.client, stack.config).doctor(60_000);
    expect(doctor.checks.filter((c) => !c.ok)).toEqual([]);

    const { rows } = await stack.db.query<{ runs: string; buckets: string; distills: string }>(
      `SELECT (SELECT count(*) FROM runs WHERE id = $1) AS runs, (SELECT count(*) FROM rate_buckets) AS buckets,
              (SELECT count(*) FROM distillations WHERE run_id = $1) AS distills`,
      [runId],
    );
    expect(rows[0]).toEqual({ runs: '1', buckets: expect.not.stringMatching(/^0$/) as unknown, distills: '1' });
  });

  it('cannot drop, alter, truncate or create tables, nor touch the migration ledger', async () => {
    const refused = async (sql: string): Promise<string> => {
      const error = await asWorker.query(sql).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(error, sql).toBeInstanceOf(Error);
      return error!.message;
    };
    expect(await refused('DROP TABLE runs')).toMatch(/must be owner of table runs/);
    expect(await refused('ALTER TABLE candidates ADD COLUMN extra int')).toMatch(/must be owner/);
    expect(await refused('TRUNCATE model_calls')).toMatch(/permission denied/);
    expect(await refused('CREATE TABLE intruder (a int)')).toMatch(/permission denied for schema/);
    expect(await refused('CREATE TABLE public.intruder (a int)')).toMatch(/permission denied for schema public/);
    expect(await refused('DELETE FROM pgmigrations')).toMatch(/permission denied/);
    expect(await refused('CREATE INDEX runs_x ON runs (status)')).toMatch(/must be owner/);
    // Still the owner's tables, unchanged.
    const { rows } = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM pgmigrations');
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(5);
  });
});
