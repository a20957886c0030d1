import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptevoClient } from '../../client/api.js';
import { toDspyJson } from '../../client/export.js';
import { renderRunReport } from '../../client/report/render-html.js';
import type { ModelServer } from '../../model-server/server/server.js';
import {
  pointAt,
  simModels,
  startLocalModelServer,
  totalRequests,
  startWorkerProcess,
  type WorkerProcess,
} from '../../infra/harness.js';
import { startExampleRun } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';

/**
 * A key of no recognisable shape (not `sk-...`, not a bearer token), held in an environment
 * variable with the key prefix: only the logger knowing the value can keep it out of the logs.
 */
const SECRET = 'Zq9-7fXw_not-an-sk-key-31337';
const KEY_ENV = 'PROMPTEVO_KEY_SECRETS_TEST';

/** History JSON with every payload's base64 `data` decoded, as `temporal workflow show` would print it. */
function readableHistory(json: string): string {
  const decoded: string[] = [json];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'data' && typeof inner === 'string') decoded.push(Buffer.from(inner, 'base64').toString('utf8'));
        else walk(inner);
      }
    }
  };
  walk(JSON.parse(json));
  return decoded.join('\n');
}

/** A provider that requires a key: the key works from the worker's environment and leaks nowhere. */
describe('API keys', () => {
  let stack: TestStack;
  let server: ModelServer;
  let worker: WorkerProcess;
  beforeAll(async () => {
    stack = await openTestStack('secrets');
    server = await startLocalModelServer({ seed: 5, apiKey: SECRET, models: simModels() });
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await server?.close();
    await stack?.close();
  });

  /** The operator's binding: this key may go to the test's model server and nowhere else. */
  const bound = (): TestStack['config'] => ({
    ...stack.config,
    PROMPTEVO_KEY_HOSTS: `${KEY_ENV}=${new URL(server.url).host}`,
  });

  // Without the client's preflight, so the run's own check (defence in depth) is what refuses a wrong key.
  const start = (label: string, keyEnv: string): Promise<{ client: PromptevoClient; runId: string }> =>
    startExampleRun(stack, `${label}-${Date.now()}`, pointAt(`${server.url}/v1`, { apiKeyEnv: keyEnv }), undefined, {
      preflight: false,
    });

  it('a wrong key fails the run at once, with one attempt and a message naming the model and endpoint', async () => {
    worker = startWorkerProcess(bound(), { [KEY_ENV]: 'sk-wrong-key-0000000000000000', LOG_LEVEL: 'debug' });
    await worker.ready;
    try {
      await wrongKeyRun();
    } finally {
      await worker.kill('SIGTERM');
    }
  });

  async function wrongKeyRun(): Promise<void> {
    const before = totalRequests(server);
    const { client, runId } = await start('wrong-key', KEY_ENV);
    const failure = await client.waitForResult(runId).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).toMatch(
      new RegExp(`model "sim-large" \\(sim-large at ${server.url}/v1\\) refused the API key`),
    );
    expect(failure?.message).toMatch(/401/);
    // No completion was sent: the preflight's single GET /models was refused, and not retried.
    expect(totalRequests(server)).toBe(before);
    const history = await client.run(runId).fetchHistory();
    const events = history.events ?? [];
    const attempts = events.flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : [],
    );
    expect(attempts.every((a) => a === 1)).toBe(true); // nothing retried
    expect(events.filter((e) => e.activityTaskFailedEventAttributes)).toHaveLength(1);
    const { rows } = await stack.db.query<{ status: string; result: { error: string } }>(
      'SELECT status, result FROM runs WHERE id = $1',
      [runId],
    );
    expect(rows[0]!.status).toBe('failed');
    expect(rows[0]!.result.error).toMatch(/refused the API key/);
  }

  it('the right key works, and appears in no workflow history, database row, log line, report or export', async () => {
    worker = startWorkerProcess(bound(), { [KEY_ENV]: SECRET, LOG_LEVEL: 'debug' });
    await worker.ready;
    const { client, runId } = await start('right-key', KEY_ENV);
    const result = await client.waitForResult(runId);
    expect(result.status).toBe('completed');
    expect(result.distill).toBeDefined();
    expect(totalRequests(server)).toBeGreaterThan(100);

    // Every workflow of the run: its children, walked from the histories, and whatever visibility lists.
    const workflowIds = await runWorkflowIds(runId);
    expect(workflowIds).toContain(`run-${runId}-gen-005`);
    expect(workflowIds).toContain(`run-${runId}-distill`);
    for (const id of workflowIds) {
      const handle = stack.client.workflow.getHandle(id);
      const history = readableHistory(historyToJSON(await handle.fetchHistory()));
      expect(history).toContain('sim-'); // payloads were decoded: the model names are visible
      expect(history, `history of ${id}`).not.toContain(SECRET);
      const { memo, searchAttributes } = await handle.describe();
      expect(JSON.stringify({ memo, searchAttributes }), `memo of ${id}`).not.toContain(SECRET);
    }

    const { rows: tables } = await stack.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [stack.config.PROMPTEVO_DB_SCHEMA],
    );
    expect(tables.length).toBeGreaterThanOrEqual(8);
    for (const { table_name } of tables) {
      const { rows } = await stack.db.query<{ hits: string }>(
        `SELECT count(*) AS hits FROM "${table_name}" t WHERE t::text LIKE $1`,
        [`%${SECRET}%`],
      );
      expect(Number(rows[0]!.hits), table_name).toBe(0);
    }

    // What an operator takes away: the HTML report, both export formats, `show` and `status`.
    const reader = new PromptevoClient(stack.client, stack.config, stack.db);
    const program = await reader.exportProgram(runId);
    const outputs = {
      report: renderRunReport(await reader.reportData(runId)),
      export: JSON.stringify(program),
      dspy: JSON.stringify(toDspyJson(program)),
      show: JSON.stringify(await reader.show(runId)),
      status: JSON.stringify(await reader.status(runId)),
    };
    expect(outputs.report).toContain('<html');
    for (const [name, text] of Object.entries(outputs)) expect(text, name).not.toContain(SECRET);

    await worker.kill('SIGTERM');
    expect(worker.output().length).toBeGreaterThan(1_000);
    expect(worker.output()).toContain('"msg":"worker started"'); // the worker's own log lines are captured
    expect(worker.output()).not.toContain(SECRET);
  });

  /** `run-<id>` and every workflow below it: children from each history, plus the run's visibility listing. */
  async function runWorkflowIds(runId: string): Promise<string[]> {
    const found = new Set<string>();
    const pending = [`run-${runId}`];
    while (pending.length > 0) {
      const id = pending.pop()!;
      if (found.has(id)) continue;
      found.add(id);
      const history = await stack.client.workflow.getHandle(id).fetchHistory();
      for (const event of history.events ?? []) {
        const child = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
        if (child) pending.push(child);
      }
    }
    for await (const execution of stack.client.workflow.list({ query: `PromptEvoRunId='${runId}'` })) {
      found.add(execution.workflowId);
    }
    return [...found].sort();
  }
});
