import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { useWorkerStack } from '../support/stack.js';

/** The `promptevo` CLI as a user runs it: a separate process, talking to the real stack. */
describe('promptevo CLI', () => {
  const ctx = useWorkerStack('cli');

  it('run --wait --json prints one JSON result whose numbers match PostgreSQL; status --json reads it back', async () => {
    const runId = `cli-${Date.now()}`;
    const run = await cli(ctx.stack.config, [
      'run',
      'examples/ticket-routing/task.yaml',
      '--wait',
      '--json',
      '--run-id',
      runId,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown> & {
      best: { test: number; hash: string };
      modelCalls: number;
    };
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        'runId',
        'status',
        'baseline',
        'best',
        'generations',
        'modelCalls',
        'cachedCalls',
        'tokens',
        'costUsd',
        'uiUrl',
      ]),
    );
    expect(result.runId).toBe(runId);
    expect(result.status).toBe('completed');
    const { rows } = await ctx.stack.db.query<{ paid: string }>(
      'SELECT count(*) FILTER (WHERE NOT cached) AS paid FROM model_calls WHERE run_id = $1',
      [runId],
    );
    expect(result.modelCalls).toBe(Number(rows[0]!.paid));

    const status = await cli(ctx.stack.config, ['status', runId, '--json']);
    expect(status.code).toBe(0);
    const view = JSON.parse(status.stdout) as { status: string; generation: number; best: { hash: string } };
    expect(view.status).toBe('completed');
    expect(view.generation).toBe(5);

    const human = await cli(ctx.stack.config, ['status', runId]);
    expect(human.stdout).toMatch(new RegExp(`run ${runId} \\(ticket-routing\\): completed`));
  });

  it('run without --wait prints the run id and its Temporal UI link', async () => {
    const runId = `cli-nowait-${Date.now()}`;
    const run = await cli(ctx.stack.config, ['run', 'examples/ticket-routing/task.yaml', '--run-id', runId]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`run ${runId} started`);
    expect(run.stdout).toContain(`/namespaces/default/workflows/run-${runId}`);
    await ctx.stack.client.workflow.getHandle(`run-${runId}`).terminate('test done');
  });

  it('an unknown run id exits 3 and says what to do', async () => {
    const status = await cli(ctx.stack.config, ['status', 'no-such-run']);
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(/no run "no-such-run".*promptevo list/);
  });

  it('a task file with a typo and a dataset with bad rows exit 2 with every problem listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptevo-cli-'));
    const task = readFileSync('examples/ticket-routing/task.yaml', 'utf8');
    writeFileSync(
      join(dir, 'typo.yaml'),
      task.replace('kind: exact_match', 'kind: exact_mach').replace('path: data.jsonl', 'path: data.jsonl'),
    );
    writeFileSync(
      join(dir, 'data.jsonl'),
      '{"id":"a","ticket":"hi","label":"billing"}\n{"id":"b","ticket":"x","label":"sales"}\nnot json\n',
    );
    const typo = await cli(ctx.stack.config, ['run', join(dir, 'typo.yaml')]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/metric\.kind.*did you mean "exact_match"/);

    writeFileSync(join(dir, 'bad-data.yaml'), task);
    const bad = await cli(ctx.stack.config, ['run', join(dir, 'bad-data.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/2 bad row\(s\)/);
    expect(bad.stderr).toMatch(/data\.jsonl:2: field "label"/);
    expect(bad.stderr).toMatch(/data\.jsonl:3: /);
  });

  it('a stack that is not up exits 4 and says how to start it', async () => {
    const down = await cli(ctx.stack.config, ['status', 'anything'], { TEMPORAL_ADDRESS: '127.0.0.1:7999' });
    expect(down.code).toBe(4);
    expect(down.stderr).toMatch(/cannot reach the Temporal server at 127\.0\.0\.1:7999.*infra\/stack\.sh up/);
  });

  it('a malformed setting gives one line naming it', async () => {
    const bad = await cli(ctx.stack.config, ['status', 'x'], { WORKER_MAX_ACTIVITIES: 'many' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/WORKER_MAX_ACTIVITIES="many"/);
  });
});
