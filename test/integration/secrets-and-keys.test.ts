import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptevoClient } from '../../client/api.js';
import type { ModelServer } from '../../infra/model-server/server.js';
import { pointAt, simModels, startTestModelServer, totalRequests } from '../support/model-servers.js';
import { startWorkerProcess, type WorkerProcess } from '../../infra/worker-process.js';
import { startExampleRun } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';

const SECRET = 'sk-promptevo-test-3f9a1c7e5b2d4680';
const KEY_ENV = 'PROMPTEVO_TEST_PROVIDER_KEY';

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
    server = await startTestModelServer({ seed: 5, apiKey: SECRET, models: simModels() });
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await server?.close();
    await stack?.close();
  });

  // Without the client's preflight, so the run's own check (defence in depth) is what refuses a wrong key.
  const start = (label: string, keyEnv: string): Promise<{ client: PromptevoClient; runId: string }> =>
    startExampleRun(stack, `${label}-${Date.now()}`, pointAt(`${server.url}/v1`, { apiKeyEnv: keyEnv }), undefined, {
      preflight: false,
    });

  it('a wrong key fails the run at once, with one attempt and a message naming the model and endpoint', async () => {
    worker = startWorkerProcess(stack.config, { [KEY_ENV]: 'sk-wrong-key-0000000000000000', LOG_LEVEL: 'debug' });
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

  it('the right key works, and appears in no workflow history, no database row and no log line', async () => {
    worker = startWorkerProcess(stack.config, { [KEY_ENV]: SECRET, LOG_LEVEL: 'debug' });
    await worker.ready;
    const { client, runId } = await start('right-key', KEY_ENV);
    const result = await client.waitForResult(runId);
    expect(result.status).toBe('completed');
    expect(totalRequests(server)).toBeGreaterThan(100);

    const workflowIds = [
      `run-${runId}`,
      ...[0, 1, 2, 3, 4, 5].map((g) => `run-${runId}-gen-${String(g).padStart(3, '0')}`),
    ];
    for (const id of workflowIds) {
      const history = readableHistory(historyToJSON(await stack.client.workflow.getHandle(id).fetchHistory()));
      expect(history).toContain('sim-large'); // payloads were decoded: the model names are visible
      expect(history).not.toContain(SECRET);
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

    await worker.kill('SIGTERM');
    expect(worker.output().length).toBeGreaterThan(1_000);
    expect(worker.output()).not.toContain(SECRET);
  });
});
