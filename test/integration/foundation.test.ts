import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorWorkflow } from '../../workflows/index.js';
import { openTestStack, type TestStack } from '../support/stack.js';

describe('foundation: a real workflow on a real worker, writing to PostgreSQL', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await openTestStack('foundation');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('runs the doctor workflow through Temporal and records the checks in PostgreSQL', async () => {
    const worker = await stack.startWorker();
    const workflowId = `doctor-test-${Date.now()}`;
    const report = await worker.runUntil(
      stack.client.workflow.execute(doctorWorkflow, { workflowId, taskQueue: stack.taskQueue }),
    );
    expect(report.workflowId).toBe(workflowId);
    const postgres = report.checks.find((c) => c.name === 'postgres');
    expect(postgres).toMatchObject({ ok: true });
    expect(postgres?.detail).toMatch(/^PostgreSQL \d+/);
    expect(report.checks.find((c) => c.name === 'model-server')).toMatchObject({ ok: true });

    const { rows } = await stack.db.query<{ worker: string; checks: unknown }>(
      'SELECT worker, checks FROM doctor_checks WHERE workflow_id = $1',
      [workflowId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.worker).toBe(report.worker);
    expect(rows[0]!.checks).toEqual(report.checks);

    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    const kinds = (history.events ?? []).map((e) => e.eventType);
    expect(kinds).toContain(10); // ACTIVITY_TASK_SCHEDULED: the check really ran as an activity
  });

  it('applies migrations idempotently and records them', async () => {
    const { migrateUp } = await import('../../platform/migrations.js');
    expect(await migrateUp(stack.config)).toEqual([]);
    const { rows } = await stack.db.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on, id');
    expect(rows.map((r) => r.name)).toContain('001_initial');
  });
});
