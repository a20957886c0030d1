import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliError } from '../../client/errors.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import type { ModelServer } from '../../model-server/server/server.js';
import { startWorkerProcess, pointAt, simModels, startLocalModelServer, totalRequests } from '../../infra/harness.js';
import { startExampleRun } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';

const smaller = (spec: TaskSpec): TaskSpec => ({
  ...spec,
  roles: { ...spec.roles, production: ['sim-large'] },
  search: { ...spec.search, generations: 1 },
  distill: undefined,
});

/** Forwards every request to `target`, which the test switches: a provider that hangs, then recovers. */
function switchingProxy(): Promise<{ url: string; target: { url: string }; server: Server }> {
  const target = { url: '' };
  const server = createServer((req, res) => {
    const upstream = request(`${target.url}${req.url ?? ''}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, target, server }),
    ),
  );
}

describe('preflight and shutdown', () => {
  let stack: TestStack;
  let server: ModelServer;
  beforeAll(async () => {
    stack = await openTestStack('preflight');
    server = await startLocalModelServer({ seed: 1, apiKey: 'right-key', models: simModels() });
  });
  afterAll(async () => {
    await server?.close();
    await stack?.close();
  });

  async function refusal(runId: string, adjust: (spec: TaskSpec) => TaskSpec): Promise<CliError> {
    // The task policy lets both keys go to this test's model server only.
    const host = new URL(server.url).host;
    const worker = await stack.startWorker({
      PROMPTEVO_KEY_HOSTS: `PROMPTEVO_KEY_PREFLIGHT_RIGHT=${host};PROMPTEVO_KEY_PREFLIGHT_WRONG=${host}`,
    });
    const error = await worker.runUntil(
      startExampleRun(stack, runId, adjust).then(
        () => undefined,
        (err: unknown) => err as CliError,
      ),
    );
    expect(error).toBeDefined();
    // Nothing started: no run workflow, no model call.
    await expect(stack.client.workflow.getHandle(`run-${runId}`).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    return error!;
  }

  it('refuses an unreachable endpoint, an unknown model id (an llm_judge model too) and a refused key before anything starts', async () => {
    process.env.PROMPTEVO_KEY_PREFLIGHT_RIGHT = 'right-key';
    process.env.PROMPTEVO_KEY_PREFLIGHT_WRONG = 'wrong-key';
    const before = totalRequests(server);
    const on = (spec: TaskSpec): TaskSpec =>
      pointAt(`${server.url}/v1`, { apiKeyEnv: 'PROMPTEVO_KEY_PREFLIGHT_RIGHT' })(smaller(spec));

    const unreachable = await refusal(`preflight-down-${Date.now()}`, (spec) => {
      const s = on(spec);
      return {
        ...s,
        models: {
          ...s.models,
          'sim-small': { ...s.models['sim-small']!, baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: undefined },
        },
      };
    });
    expect(unreachable.exitCode).toBe(2);
    expect(unreachable.message).toMatch(/model "sim-small" \(sim-small at http:\/\/127\.0\.0\.1:9\/v1\): cannot reach/);
    expect(unreachable.message).not.toMatch(/model "sim-large"/);

    const unknown = await refusal(`preflight-id-${Date.now()}`, (spec) => {
      const s = on(spec);
      return {
        ...s,
        metric: { kind: 'llm_judge', rubric: 'Is the label right?', model: 'judge' },
        models: { ...s.models, judge: { ...s.models['sim-large']!, model: 'sim-huge' } },
      };
    });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.message).toMatch(/model "judge" \(sim-huge at .*\): the endpoint does not serve a model "sim-huge"/);
    expect(unknown.message).toMatch(/it serves sim-large, sim-small/);

    const refused = await refusal(`preflight-key-${Date.now()}`, (spec) =>
      pointAt(`${server.url}/v1`, { apiKeyEnv: 'PROMPTEVO_KEY_PREFLIGHT_WRONG' })(smaller(spec)),
    );
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toMatch(/refused the API key from PROMPTEVO_KEY_PREFLIGHT_WRONG with 401/);
    expect(refused.message).not.toContain('wrong-key');
    expect(totalRequests(server)).toBe(before);
  });

  it('SIGTERM stops a worker whose activity is stuck in a model call; the run resumes on another worker', async () => {
    const hanging = await startLocalModelServer({
      seed: 1,
      models: simModels({ faults: { hangRate: 1, hangMs: 3_600_000 } }),
    });
    const healthy = await startLocalModelServer({ seed: 1, models: simModels() });
    const proxy = await switchingProxy();
    proxy.target.url = hanging.url;
    try {
      const first = startWorkerProcess(stack.config);
      await first.ready;
      const runId = `drain-${Date.now()}`;
      // A call that hangs for an hour: only cancellation can end it.
      const { client } = await startExampleRun(stack, runId, (spec) =>
        pointAt(`${proxy.url}/v1`, { timeoutMs: 3_600_000 })(smaller(spec)),
      );
      await until(() => totalRequests(hanging) > 0);
      const code = await first.kill('SIGTERM');
      expect(code).toBe(0);
      expect(first.output()).toContain('"msg":"worker stopped"');
      // Drained by cancellation, not given up on at the force time: the stuck calls were aborted and booked so.
      expect(first.output()).not.toContain('shutdown did not finish');
      const aborted = await stack.db.query('SELECT 1 FROM model_calls WHERE run_id = $1 AND outcome = $2', [
        runId,
        'aborted',
      ]);
      expect(aborted.rowCount).toBeGreaterThan(0);

      proxy.target.url = healthy.url;
      const second = startWorkerProcess(stack.config);
      await second.ready;
      try {
        const result = await client.waitForResult(runId);
        expect(result.status).toBe('completed');
        expect(totalRequests(healthy)).toBeGreaterThan(0);
      } finally {
        await second.kill('SIGTERM');
      }
    } finally {
      proxy.server.closeAllConnections();
      proxy.server.close();
      await Promise.all([hanging.close(), healthy.close()]);
    }
  });
});

/** Polls a condition (never a fixed sleep as synchronisation); the test timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 100));
}
