import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db.js';

/** What one attempt at a model call came to; every attempt sent is a row of the call ledger. */
export type AttemptOutcome =
  | 'answered'
  | 'malformed'
  | 'throttled'
  | 'server_error'
  | 'timeout'
  | 'connection_error'
  | 'context_length'
  | 'rejected'
  | 'aborted';

export interface LedgerEntry {
  runId: string;
  requestKey: string;
  generation: number;
  /** The model's name in the task. */
  modelName: string;
  purpose: string;
  outcome: AttemptOutcome;
  /** The provider's HTTP status for an error answer. */
  status?: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** A good, paid answer and what keys it in `response_cache`. */
export interface CacheEntry {
  model: string;
  request: string;
  response: string;
}

/**
 * The call ledger (`model_calls`) and the run's running totals (`run_spend`), written by one
 * statement. Every attempt sent to a provider is its own row (a fresh `attempt` id), counted as a
 * call with the tokens and dollars its reply reported (none for an error). A cache hit is one row
 * per run and request, and only when the run did not pay for that request itself, so a retried
 * activity that finds its answer in the cache does not count it again.
 */
export async function bookAttempt(db: Db, entry: LedgerEntry, cache?: CacheEntry): Promise<void> {
  await write(db, entry, randomUUID(), false, cache);
}

export async function bookCacheHit(db: Db, entry: Omit<LedgerEntry, 'outcome' | 'status'>): Promise<void> {
  await write(db, { ...entry, outcome: 'answered' }, 'cache', true);
}

async function write(db: Db, e: LedgerEntry, attempt: string, cached: boolean, cache?: CacheEntry): Promise<void> {
  const params: unknown[] = [
    e.runId,
    e.requestKey,
    attempt,
    e.generation,
    e.modelName,
    e.purpose,
    cached,
    e.outcome,
    e.status ?? null,
    e.promptTokens,
    e.completionTokens,
    cached ? 0 : e.costUsd,
  ];
  // A paid answer is cached by the same statement: a worker that dies after paying recorded both
  // or neither, so its retry never books a paid call as a cache hit.
  const stored = cache
    ? `stored AS (
         INSERT INTO response_cache (key, model, request, response, prompt_tokens, completion_tokens)
         VALUES ($2, $13, $14, $15, $10, $11) ON CONFLICT (key) DO NOTHING),`
    : '';
  if (cache) params.push(cache.model, cache.request, cache.response);
  await db.query(
    `WITH ${stored} recorded AS (
       INSERT INTO model_calls (run_id, request_key, attempt, generation, model, purpose, cached, outcome, status,
                                prompt_tokens, completion_tokens, cost_usd)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
        WHERE NOT $7 OR NOT EXISTS (SELECT 1 FROM model_calls WHERE run_id = $1 AND request_key = $2 AND outcome = 'answered')
       ON CONFLICT (run_id, request_key, attempt) DO NOTHING
       RETURNING run_id, model, cached, prompt_tokens + completion_tokens AS tokens, cost_usd)
     INSERT INTO run_spend AS s (run_id, model, calls, cached_calls, tokens, cost_usd)
     SELECT run_id, model, CASE WHEN cached THEN 0 ELSE 1 END, CASE WHEN cached THEN 1 ELSE 0 END,
            CASE WHEN cached THEN 0 ELSE tokens END, cost_usd FROM recorded
     ON CONFLICT (run_id, model) DO UPDATE SET calls = s.calls + EXCLUDED.calls,
       cached_calls = s.cached_calls + EXCLUDED.cached_calls, tokens = s.tokens + EXCLUDED.tokens,
       cost_usd = s.cost_usd + EXCLUDED.cost_usd`,
    params,
  );
}

// Readings of the ledger itself, by attempt: what benchmarks report. Spend is read in spend.ts.

/** Ledger rows of a run: attempts paid for, and all rows (cache hits included). */
export async function ledgerRows(db: Db, runId: string): Promise<{ paid: number; total: number }> {
  const { rows } = await db.query<{ paid: string; total: string }>(
    'SELECT count(*) FILTER (WHERE NOT cached) AS paid, count(*) AS total FROM model_calls WHERE run_id = $1',
    [runId],
  );
  return { paid: Number(rows[0]?.paid ?? 0), total: Number(rows[0]?.total ?? 0) };
}

/** The latest generation the run has booked a call for (0 before any). */
export async function latestBookedGeneration(db: Db, runId: string): Promise<number> {
  const { rows } = await db.query<{ g: number | null }>(
    'SELECT max(generation) AS g FROM model_calls WHERE run_id = $1',
    [runId],
  );
  return rows[0]?.g ?? 0;
}

/** Paid attempts of some runs by outcome, in outcome order. */
export async function paidAttemptsByOutcome(
  db: Db,
  runIds: readonly string[],
): Promise<{ outcome: AttemptOutcome; attempts: number }[]> {
  const { rows } = await db.query<{ outcome: AttemptOutcome; n: string }>(
    `SELECT outcome, count(*) AS n FROM model_calls WHERE run_id = ANY($1) AND NOT cached
     GROUP BY outcome ORDER BY outcome`,
    [runIds],
  );
  return rows.map((r) => ({ outcome: r.outcome, attempts: Number(r.n) }));
}

/** Paid attempts and their tokens per model for one purpose (e.g. `test`). */
export async function paidCallsForPurpose(
  db: Db,
  runId: string,
  purpose: string,
): Promise<{ model: string; calls: number; tokens: number }[]> {
  const { rows } = await db.query<{ model: string; calls: string; tokens: string }>(
    `SELECT model, count(*) AS calls, coalesce(sum(prompt_tokens + completion_tokens), 0) AS tokens
       FROM model_calls WHERE run_id = $1 AND purpose = $2 AND NOT cached GROUP BY model`,
    [runId, purpose],
  );
  return rows.map((r) => ({ model: r.model, calls: Number(r.calls), tokens: Number(r.tokens) }));
}
