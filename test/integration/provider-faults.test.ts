import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServer } from '../../model-server/server/server.js';
import { pointAt, simModels, startLocalModelServer, totalRequests } from '../../infra/harness.js';
import { runExample } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';
import type { RunResult } from '../../contracts/index.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';

/** The example, shorter (two generations, one round of distillation): every kind of call, each exposed to the faults. */
const shorter =
  (point: (spec: TaskSpec) => TaskSpec) =>
  (spec: TaskSpec): TaskSpec => {
    const pointed = point(spec);
    return {
      ...pointed,
      search: { ...pointed.search, generations: 2 },
      distill: { ...pointed.distill!, maxRounds: 1 },
    };
  };

/**
 * A provider that fails 5% of requests with 5xx, leaves 2% hanging and cuts 1% of replies short:
 * the run still completes, with the same best genome as against a faultless provider.
 */
describe('provider faults', () => {
  let clean: TestStack;
  let faulty: TestStack;
  let cleanServer: ModelServer;
  let faultyServer: ModelServer;

  beforeAll(async () => {
    clean = await openTestStack('faults_clean');
    faulty = await openTestStack('faults_injected');
    cleanServer = await startLocalModelServer({ seed: 3, models: simModels() });
    faultyServer = await startLocalModelServer({
      seed: 3,
      models: simModels({ faults: { serverErrorRate: 0.05, hangRate: 0.02, hangMs: 60_000, truncatedRate: 0.01 } }),
    });
  });
  afterAll(async () => {
    await Promise.all([cleanServer?.close(), faultyServer?.close()]);
    await clean?.close();
    await faulty?.close();
  });

  it('completes with the fault-free best genome', async () => {
    const endpoint = { timeoutMs: 1_000, maxRetries: 8 };
    const cleanWorker = await clean.startWorker();
    const expected: RunResult = await cleanWorker.runUntil(
      runExample(clean, `faults-clean-${Date.now()}`, shorter(pointAt(`${cleanServer.url}/v1`, endpoint))),
    );
    const faultyWorker = await faulty.startWorker();
    const result: RunResult = await faultyWorker.runUntil(
      runExample(faulty, `faults-injected-${Date.now()}`, shorter(pointAt(`${faultyServer.url}/v1`, endpoint))),
    );
    const byStatus = Object.values(faultyServer.stats.summary().models).reduce<Record<string, number>>((acc, m) => {
      for (const [status, n] of Object.entries(m.byStatus)) acc[status] = (acc[status] ?? 0) + n;
      return acc;
    }, {});
    console.info(
      `provider faults: ${totalRequests(faultyServer)} requests to the faulty server (${JSON.stringify(byStatus)}), ` +
        `${totalRequests(cleanServer)} to the clean one`,
    );
    expect(Object.keys(byStatus).some((s) => s.startsWith('5'))).toBe(true);
    expect(result.status).toBe('completed');
    expect(result.best.hash).toBe(expected.best.hash);
    expect(result.best.test).toBe(expected.best.test);
  });
});
