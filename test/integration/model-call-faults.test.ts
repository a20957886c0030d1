import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectJson } from '../../core/program/request.js';
import { ModelGateway, requestKey, type ModelCallRequest } from '../../activities/model-gateway.js';
import { DEFAULT_MAX_RETRIES } from '../../activities/provider-errors.js';
import type { ModelSpec } from '../../core/task/model-spec.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import type { ModelServer } from '../../model-server/server/server.js';
import { policyFromConfig } from '../../platform/policy.js';
import { pointAt, simModels, startLocalModelServer, totalRequests } from '../../infra/harness.js';
import { startExampleRun, waitForRow } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';

/** An endpoint as a hand-written spec might give it, with no maxRetries. */
function endpointWithoutRetries(server: ModelServer): ModelSpec {
  const endpoint: Partial<ModelSpec> = {
    baseUrl: `${server.url}/v1`,
    model: 'sim-large',
    maxConcurrency: 4,
    timeoutMs: 10_000,
    pricing: { inputPerMTok: 1, outputPerMTok: 1 },
    structuredOutput: true,
    temperature: 0,
  };
  return endpoint as ModelSpec;
}

const smaller = (spec: TaskSpec): TaskSpec => ({
  ...spec,
  roles: { ...spec.roles, production: ['sim-large'] },
  search: { ...spec.search, generations: 2 },
  distill: undefined,
});

describe('model call faults', () => {
  let stack: TestStack;
  const servers: ModelServer[] = [];
  const serve = async (config: unknown): Promise<ModelServer> => {
    const server = await startLocalModelServer(config);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    stack = await openTestStack('call_faults');
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await stack?.close();
  });

  async function ledgerRun(id: string): Promise<string> {
    await stack.db.query(
      `INSERT INTO runs (id, task_name, task_file, dataset_path, spec, seed) VALUES ($1, 'faults', '-', '-', '{}', 0)`,
      [id],
    );
    return id;
  }

  const request = (runId: string, endpoint: ModelSpec, text: string): ModelCallRequest => ({
    runId,
    generation: 0,
    purpose: 'validate',
    modelName: 'sim-large',
    endpoint,
    messages: [
      { role: 'system', content: 'Route the support ticket. Answer as JSON {"label": ...}.' },
      { role: 'user', content: `ticket: ${text}` },
    ],
    responseFormat: { type: 'json_object' },
    temperature: 0,
    validate: expectJson,
  });

  it('an endpoint without maxRetries is retried a bounded number of times, every attempt booked, nothing cached', async () => {
    const server = await serve({ seed: 2, models: simModels({ faults: { truncatedRate: 1 } }) });
    const runId = await ledgerRun(`no-retries-${Date.now()}`);
    const gateway = new ModelGateway(stack.db, policyFromConfig(stack.config));
    // Sampled without a seed: every attempt may answer differently, so each is worth asking.
    const req = { ...request(runId, endpointWithoutRetries(server), 'The app crashes.'), temperature: 0.7 };
    const result = await gateway.call(req);
    expect(result.malformed).toMatch(/cut off/);
    expect(totalRequests(server)).toBe(1 + DEFAULT_MAX_RETRIES);
    const { rows } = await stack.db.query<{ outcome: string; n: string; tokens: string }>(
      `SELECT outcome, count(*) AS n, sum(prompt_tokens + completion_tokens) AS tokens FROM model_calls
        WHERE run_id = $1 GROUP BY outcome`,
      [runId],
    );
    expect(rows.map((r) => [r.outcome, Number(r.n)])).toEqual([['malformed', 1 + DEFAULT_MAX_RETRIES]]);
    expect(Number(rows[0]!.tokens)).toBeGreaterThan(0); // a cut-off reply was billed
    const spend = await stack.db.query<{ calls: string }>('SELECT calls FROM run_spend WHERE run_id = $1', [runId]);
    expect(Number(spend.rows[0]!.calls)).toBe(1 + DEFAULT_MAX_RETRIES);
    const cached = await stack.db.query('SELECT 1 FROM response_cache WHERE key = $1', [requestKey(req)]);
    expect(cached.rowCount).toBe(0);
  });

  it('a deterministic request that gets the same cut-off reply twice is not asked again', async () => {
    const server = await serve({ seed: 2, models: simModels({ faults: { truncatedRate: 1 } }) });
    const runId = await ledgerRun(`repeated-${Date.now()}`);
    const gateway = new ModelGateway(stack.db, policyFromConfig(stack.config));
    const result = await gateway.call(request(runId, endpointWithoutRetries(server), 'The app crashes.'));
    expect(result.malformed).toMatch(/cut off.*the same reply came back when asked again/);
    expect(totalRequests(server)).toBe(2);
    const { rows } = await stack.db.query<{ outcome: string; n: string }>(
      'SELECT outcome, count(*) AS n FROM model_calls WHERE run_id = $1 GROUP BY outcome',
      [runId],
    );
    expect(rows.map((r) => [r.outcome, Number(r.n)])).toEqual([['malformed', 2]]);
  });

  it('the same request asked twice at once is paid once; a batch lookup answers from the cache without asking', async () => {
    const server = await serve({ seed: 2, models: simModels() });
    const runId = await ledgerRun(`single-flight-${Date.now()}`);
    const gateway = new ModelGateway(stack.db, policyFromConfig(stack.config));
    const req = request(runId, endpointWithoutRetries(server), 'I was charged twice this month.');
    const [first, second] = await Promise.all([gateway.call(req), gateway.call(req)]);
    expect(first.content).toBe(second.content);
    expect([first.cached, second.cached].sort()).toEqual([false, true]);
    expect(totalRequests(server)).toBe(1);
    // Looked up ahead (as an evaluation batch does): a hit and a miss, each in one query for both.
    const other = request(runId, endpointWithoutRetries(server), 'My parcel never arrived.');
    const lookup = await gateway.lookUp([req, other]);
    expect([...lookup.keys].sort()).toEqual([requestKey(req), requestKey(other)].sort());
    expect([...lookup.hits.keys()]).toEqual([requestKey(req)]);
    expect((await gateway.call(req, lookup)).cached).toBe(true);
    expect((await gateway.call(other, lookup)).cached).toBe(false);
    expect(totalRequests(server)).toBe(2);
    const { rows } = await stack.db.query<{ cached: boolean; n: string }>(
      `SELECT cached, count(*) AS n FROM model_calls WHERE run_id = $1 GROUP BY cached ORDER BY cached`,
      [runId],
    );
    // Two paid answers; the cache hits on a key this run already paid for are not booked again.
    expect(rows.map((r) => [r.cached, Number(r.n)])).toEqual([[false, 2]]);
  });

  it('a reply still malformed after its retries is asked again next time, never served from the cache', async () => {
    const server = await serve({ seed: 2, models: simModels({ faults: { malformedRate: 1 } }) });
    const runId = await ledgerRun(`malformed-${Date.now()}`);
    const gateway = new ModelGateway(stack.db, policyFromConfig(stack.config));
    const endpoint = { ...endpointWithoutRetries(server), maxRetries: 0 };
    const first = await gateway.call(request(runId, endpoint, 'Where is my parcel?'));
    const second = await gateway.call(request(runId, endpoint, 'Where is my parcel?'));
    expect(first.malformed).toMatch(/not valid JSON/);
    expect(second.cached).toBe(false);
    expect(second.malformed).toMatch(/not valid JSON/);
    expect(totalRequests(server)).toBe(2);
    const { rows } = await stack.db.query<{ outcome: string; cached: boolean }>(
      'SELECT outcome, cached FROM model_calls WHERE run_id = $1',
      [runId],
    );
    expect(rows).toEqual([
      { outcome: 'malformed', cached: false },
      { outcome: 'malformed', cached: false },
    ]);
  });

  it('the programmatic client completes an adjusted spec with the schema defaults (maxRetries)', async () => {
    const server = await serve({ seed: 1, models: simModels() });
    const worker = await stack.startWorker();
    const runId = `adjusted-${Date.now()}`;
    const stored = await worker.runUntil(async () => {
      const { client } = await startExampleRun(stack, runId, (spec) => {
        const pointed = pointAt(`${server.url}/v1`)(smaller(spec));
        const models = Object.fromEntries(
          Object.entries(pointed.models).map(([name, { maxRetries: _drop, ...rest }]) => [name, rest as ModelSpec]),
        );
        return { ...pointed, models };
      });
      await waitForRow(stack, 'SELECT count(*) > 0 FROM runs WHERE id = $1', [runId]);
      const { rows } = await stack.db.query<{ spec: TaskSpec }>('SELECT spec FROM runs WHERE id = $1', [runId]);
      await client.cancel(runId);
      return rows[0]!.spec;
    });
    expect(Object.values(stored.models).map((m) => m.maxRetries)).toEqual([5, 5]);
  });

  it('retries are booked per attempt: the run counts every request the provider received, and its budget stops it', async () => {
    const server = await serve({
      seed: 11,
      models: simModels({ faults: { serverErrorRate: 0.2, throttleBurstRate: 0.01, throttleBurstLength: 3 } }),
    });
    const worker = await stack.startWorker();
    const runId = `attempts-${Date.now()}`;
    const result = await worker.runUntil(async () => {
      const { client } = await startExampleRun(stack, runId, (spec) => {
        const pointed = pointAt(`${server.url}/v1`, { maxRetries: 8 })(smaller(spec));
        return { ...pointed, search: { ...pointed.search, generations: 50, budget: { calls: 450 } } };
      });
      return client.waitForResult(runId);
    });
    const { rows } = await stack.db.query<{ outcome: string; n: string }>(
      'SELECT outcome, count(*) AS n FROM model_calls WHERE run_id = $1 AND NOT cached GROUP BY outcome',
      [runId],
    );
    const byOutcome = Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
    console.info(
      `attempts: ${JSON.stringify(byOutcome)}; server received ${totalRequests(server)}; result ${result.modelCalls}`,
    );
    expect(byOutcome['server_error']).toBeGreaterThan(0);
    expect(byOutcome['throttled']).toBeGreaterThan(0);
    const booked = Object.values(byOutcome).reduce((a, b) => a + b, 0);
    expect(booked).toBe(totalRequests(server));
    expect(result.modelCalls).toBe(booked);
    expect(result.status).toBe('budget_exhausted');
  });

  it('an example longer than the context scores 0 with feedback saying so, and the run completes', async () => {
    // Inside the repository: datasets must lie in the workers' data roots (the working directory).
    mkdirSync(join('.data', 'test'), { recursive: true });
    const dir = mkdtempSync(join('.data', 'test', 'context-'));
    try {
      const lines = readFileSync('examples/ticket-routing/data.jsonl', 'utf8').trim().split('\n');
      const padded = lines.map((line, i) => {
        if (i % 10 !== 0) return line;
        const row = JSON.parse(line) as { id: string; ticket: string };
        return JSON.stringify({ ...row, ticket: `${row.ticket} ${'Some more background on this. '.repeat(400)}` });
      });
      const longIds = padded.filter((_, i) => i % 10 === 0).map((l) => (JSON.parse(l) as { id: string }).id);
      writeFileSync(join(dir, 'data.jsonl'), `${padded.join('\n')}\n`);
      writeFileSync(join(dir, 'task.yaml'), readFileSync('examples/ticket-routing/task.yaml', 'utf8'));
      const server = await serve({ seed: 1, models: simModels({ faults: { contextTokens: 2000 } }) });
      const worker = await stack.startWorker();
      const runId = `context-${Date.now()}`;
      const result = await worker.runUntil(async () => {
        const { client } = await startExampleRun(
          stack,
          runId,
          (spec) => pointAt(`${server.url}/v1`)(smaller(spec)),
          join(dir, 'task.yaml'),
        );
        return client.waitForResult(runId);
      });
      expect(result.status).toBe('completed');
      const { rows } = await stack.db.query<{ example_id: string; score: number; feedback: string; seed: boolean }>(
        `SELECT v.example_id, v.score, v.feedback, c.operator = 'seed' AS seed
           FROM evaluations v JOIN candidates c ON c.run_id = v.run_id AND c.hash = v.candidate_hash
          WHERE v.run_id = $1 AND v.feedback LIKE '%context length%'`,
        [runId],
      );
      expect(rows.every((r) => r.score === 0)).toBe(true);
      expect(rows[0]!.feedback).toMatch(
        /not answered: model "sim-large" .*the prompt exceeds the model's context length/,
      );
      // The seed has no demos: its only over-long prompts are the padded examples, and every one of them is.
      const seedRows = await stack.db.query<{ example_id: string; feedback: string | null }>(
        `SELECT v.example_id, v.feedback FROM evaluations v JOIN candidates c ON c.run_id = v.run_id AND c.hash = v.candidate_hash
          WHERE v.run_id = $1 AND c.operator = 'seed' AND v.model = 'sim-large'`,
        [runId],
      );
      const tooLong = seedRows.rows.filter((r) => r.feedback?.includes('context length')).map((r) => r.example_id);
      const evaluatedLong = seedRows.rows.filter((r) => longIds.includes(r.example_id)).map((r) => r.example_id);
      expect(tooLong.length).toBeGreaterThan(0);
      expect(tooLong.sort()).toEqual(evaluatedLong.sort());
      const ledger = await stack.db.query('SELECT 1 FROM model_calls WHERE run_id = $1 AND outcome = $2', [
        runId,
        'context_length',
      ]);
      expect(ledger.rowCount).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
