import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../platform/db.js';
import { LedgerWriter, type CacheEntry, type LedgerEntry } from '../../storage/ledger.js';
import { readRunSpend } from '../../storage/spend.js';
import { openTestStack, type TestStack } from '../support/stack.js';

/** The pool, counting the statements sent through it and the most in flight at once. */
function counting(db: Db): { db: Db; statements: () => number; mostInFlight: () => number } {
  let n = 0;
  let inFlight = 0;
  let most = 0;
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return async (...args: unknown[]) => {
          n++;
          most = Math.max(most, ++inFlight);
          try {
            return await (target.query as (...a: unknown[]) => Promise<unknown>)(...args);
          } finally {
            inFlight--;
          }
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { db: proxy, statements: () => n, mostInFlight: () => most };
}

describe('ledger writer (group commit)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await openTestStack('ledger_writer');
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function newRun(id: string): Promise<string> {
    await stack.db.query(
      `INSERT INTO runs (id, task_name, task_file, dataset_path, spec, seed) VALUES ($1, 'ledger', '-', '-', '{}', 0)`,
      [id],
    );
    return id;
  }

  const entry = (runId: string, key: string, tokens = 10): LedgerEntry => ({
    runId,
    requestKey: key,
    generation: 0,
    modelName: 'dev',
    purpose: 'validate',
    outcome: 'answered',
    promptTokens: tokens,
    completionTokens: 2,
    costUsd: 0.001,
  });
  const cacheOf = (key: string): CacheEntry => ({
    model: 'sim-large',
    request: JSON.stringify({ key }),
    response: JSON.stringify({ content: `answer ${key}`, latencyMs: 1 }),
  });

  async function ledger(runId: string): Promise<{ key: string; cached: boolean; outcome: string }[]> {
    const { rows } = await stack.db.query<{ key: string; cached: boolean; outcome: string }>(
      'SELECT request_key AS key, cached, outcome FROM model_calls WHERE run_id = $1 ORDER BY request_key, cached',
      [runId],
    );
    return rows;
  }

  it('books bookings made together in fewer statements, each stored before it resolves, totals matching the rows', async () => {
    const runId = await newRun(`group-${Date.now()}`);
    const { db, statements, mostInFlight } = counting(stack.db);
    const writer = new LedgerWriter(db);
    const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    await Promise.all(
      keys.map(async (key, i) => {
        if (i % 4 === 3)
          await writer.attempt({
            ...entry(runId, key),
            outcome: 'server_error',
            status: 500,
            promptTokens: 0,
            completionTokens: 0,
            costUsd: 0,
          });
        else await writer.attempt(entry(runId, key), cacheOf(key));
        // Resolved means stored: the row is there for whoever reads next.
        const { rows } = await stack.db.query('SELECT 1 FROM model_calls WHERE run_id = $1 AND request_key = $2', [
          runId,
          key,
        ]);
        expect(rows).toHaveLength(1);
      }),
    );
    expect(statements()).toBeLessThan(keys.length / 4);
    expect(mostInFlight()).toBe(2);
    const rows = await ledger(runId);
    expect(rows).toHaveLength(40);
    expect(rows.filter((r) => r.outcome === 'server_error')).toHaveLength(10);
    const cached = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM response_cache WHERE key = ANY($1)', [
      keys,
    ]);
    expect(Number(cached.rows[0]!.n)).toBe(30);
    const spend = await readRunSpend(stack.db, runId);
    expect(spend.calls).toBe(40);
    expect(spend.tokens).toBe(30 * 12);
    expect(spend.costUsd).toBeCloseTo(30 * 0.001, 9);
  });

  it('books a cache hit once per run, and not when the run paid for the request before or in the same group', async () => {
    const runId = await newRun(`hits-${Date.now()}`);
    // One statement in flight: the first booking goes alone and the others share the next one.
    const writer = new LedgerWriter(stack.db, { inFlight: 1 });
    await writer.attempt(entry(runId, 'paid-before'), cacheOf('paid-before'));
    await Promise.all([
      writer.cacheHit(entry(runId, 'paid-before')),
      // The same request paid and hit in one group: the paid row alone counts.
      writer.attempt(entry(runId, 'paid-together'), cacheOf('paid-together')),
      writer.cacheHit(entry(runId, 'paid-together')),
      // Another run's answer, hit twice by this run: one row.
      writer.cacheHit(entry(runId, 'elsewhere')),
      writer.cacheHit(entry(runId, 'elsewhere')),
    ]);
    expect(await ledger(runId)).toEqual([
      { key: 'elsewhere', cached: true, outcome: 'answered' },
      { key: 'paid-before', cached: false, outcome: 'answered' },
      { key: 'paid-together', cached: false, outcome: 'answered' },
    ]);
    const spend = await readRunSpend(stack.db, runId);
    expect(spend.calls).toBe(2);
    expect(spend.cachedCalls).toBe(1);
  });

  it('a booking that cannot be stored fails alone; the others in its group are stored', async () => {
    const runId = await newRun(`fails-${Date.now()}`);
    const writer = new LedgerWriter(stack.db, { inFlight: 1 });
    const outcomes = await Promise.allSettled([
      writer.attempt(entry(runId, 'a'), cacheOf('fails-a')),
      writer.attempt(entry(runId, 'b')),
      // No such run: the foreign key refuses this row.
      writer.attempt(entry(`no-such-run-${Date.now()}`, 'c')),
      writer.attempt(entry(runId, 'd')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((await ledger(runId)).map((r) => r.key)).toEqual(['a', 'b', 'd']);
    expect((await readRunSpend(stack.db, runId)).calls).toBe(3);
  });

  it('with maxRows 1 every booking is its own statement', async () => {
    const runId = await newRun(`single-${Date.now()}`);
    const { db, statements } = counting(stack.db);
    const writer = new LedgerWriter(db, { maxRows: 1 });
    await Promise.all(['x', 'y', 'z'].map((key) => writer.attempt(entry(runId, key))));
    expect(statements()).toBe(3);
    expect(() => new LedgerWriter(db, { maxRows: 0 })).toThrow(/maxRows must be a positive integer/);
    expect(() => new LedgerWriter(db, { inFlight: 1.5 })).toThrow(/inFlight must be a positive integer/);
  });
});
