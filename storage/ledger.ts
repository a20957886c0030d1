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

/** One ledger row as written: a paid attempt (a fresh `attempt` id) or a run's cache hit (`cache`). */
interface LedgerRow extends LedgerEntry {
  attempt: string;
  cached: boolean;
  /** A good, paid answer to cache by the same statement. */
  cache?: CacheEntry;
}

/** Rows one ledger statement writes at most. */
export const LEDGER_ROWS_PER_STATEMENT = 200;
/** Ledger statements one writer has in flight at most: a booking waits only when all are busy. */
export const LEDGER_STATEMENTS_IN_FLIGHT = 2;

export interface LedgerWriterOptions {
  /** Rows per statement at most; 1 writes every booking on its own. */
  maxRows?: number;
  /** Statements in flight at most. */
  inFlight?: number;
}

interface Booking {
  row: LedgerRow;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The call ledger (`model_calls`), the run's running totals (`run_spend`) and the response cache
 * for paid answers, written together (group commit): a booking goes out at once while fewer than
 * `inFlight` ledger statements are in flight, and otherwise waits, with every other booking made
 * meanwhile, for the next statement. Each booking resolves only once its row is stored, so a
 * caller that has its answer back has it booked and cached: a worker that dies loses only the calls
 * still in flight, as with a statement per call, and a retry never books a paid call as a cache
 * hit. If a grouped statement fails, its rows are written one by one, so each caller learns its
 * own outcome.
 *
 * Every attempt sent to a provider is its own row (a fresh `attempt` id), counted as a call with
 * the tokens and dollars its reply reported (none for an error). A cache hit is one row per run
 * and request, and only when the run did not pay for that request itself, so a retried activity
 * that finds its answer in the cache does not count it again.
 */
export class LedgerWriter {
  private readonly queue: Booking[] = [];
  private inFlight = 0;
  private readonly maxRows: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly db: Db,
    options: LedgerWriterOptions = {},
  ) {
    this.maxRows = positive('maxRows', options.maxRows ?? LEDGER_ROWS_PER_STATEMENT);
    this.maxInFlight = positive('inFlight', options.inFlight ?? LEDGER_STATEMENTS_IN_FLIGHT);
  }

  /** Books one attempt sent to a provider; `cache` caches its good answer in the same statement. */
  attempt(entry: LedgerEntry, cache?: CacheEntry): Promise<void> {
    return this.book({ ...entry, attempt: randomUUID(), cached: false, ...(cache ? { cache } : {}) });
  }

  /** Books an answer taken from the response cache (free; once per run and request). */
  cacheHit(entry: Omit<LedgerEntry, 'outcome' | 'status'>): Promise<void> {
    return this.book({ ...entry, outcome: 'answered', attempt: 'cache', cached: true, costUsd: 0 });
  }

  private book(row: LedgerRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.pump();
    });
  }

  /** Starts statements for what waits, while there is room in flight. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxRows);
      this.inFlight++;
      void this.write(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(group: Booking[]): Promise<void> {
    try {
      await writeRows(
        this.db,
        group.map((b) => b.row),
      );
      for (const b of group) b.resolve();
    } catch (err) {
      if (group.length === 1) return group[0]!.reject(err);
      // Each row alone, so that every caller learns its own outcome.
      await Promise.all(group.map((b) => writeRows(this.db, [b.row]).then(b.resolve, b.reject)));
    }
  }
}

function positive(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`LedgerWriter: ${name} must be a positive integer, got ${n}`);
  return n;
}

/**
 * One statement for `rows`. A cache hit is skipped when the run paid for the same request before
 * or in the same group; `run_spend` takes one increment per run and model.
 */
async function writeRows(db: Db, rows: readonly LedgerRow[]): Promise<void> {
  const col = <T>(f: (r: LedgerRow) => T): T[] => rows.map(f);
  const cached = rows.flatMap((r) => (r.cache ? [r] : []));
  await db.query(
    `WITH batch AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::bool[],
                            $8::text[], $9::int[], $10::int[], $11::int[], $12::float8[])
         AS b(run_id, request_key, attempt, generation, model, purpose, cached, outcome, status,
              prompt_tokens, completion_tokens, cost_usd)),
     stored AS (
       INSERT INTO response_cache (key, model, request, response, prompt_tokens, completion_tokens)
       SELECT * FROM unnest($13::text[], $14::text[], $15::jsonb[], $16::jsonb[], $17::int[], $18::int[])
       ON CONFLICT (key) DO NOTHING),
     recorded AS (
       INSERT INTO model_calls (run_id, request_key, attempt, generation, model, purpose, cached, outcome, status,
                                prompt_tokens, completion_tokens, cost_usd)
       SELECT run_id, request_key, attempt, generation, model, purpose, cached, outcome, status,
              prompt_tokens, completion_tokens, cost_usd
         FROM batch b
        WHERE NOT b.cached OR NOT (
                EXISTS (SELECT 1 FROM model_calls m
                         WHERE m.run_id = b.run_id AND m.request_key = b.request_key AND m.outcome = 'answered')
             OR EXISTS (SELECT 1 FROM batch p
                         WHERE p.run_id = b.run_id AND p.request_key = b.request_key AND NOT p.cached
                           AND p.outcome = 'answered'))
       ON CONFLICT (run_id, request_key, attempt) DO NOTHING
       RETURNING run_id, model, cached, prompt_tokens + completion_tokens AS tokens, cost_usd)
     INSERT INTO run_spend AS s (run_id, model, calls, cached_calls, tokens, cost_usd)
     SELECT run_id, model, count(*) FILTER (WHERE NOT cached), count(*) FILTER (WHERE cached),
            coalesce(sum(tokens) FILTER (WHERE NOT cached), 0), sum(cost_usd)
       FROM recorded GROUP BY run_id, model
     ON CONFLICT (run_id, model) DO UPDATE SET calls = s.calls + EXCLUDED.calls,
       cached_calls = s.cached_calls + EXCLUDED.cached_calls, tokens = s.tokens + EXCLUDED.tokens,
       cost_usd = s.cost_usd + EXCLUDED.cost_usd`,
    [
      col((r) => r.runId),
      col((r) => r.requestKey),
      col((r) => r.attempt),
      col((r) => r.generation),
      col((r) => r.modelName),
      col((r) => r.purpose),
      col((r) => r.cached),
      col((r) => r.outcome),
      col((r) => r.status ?? null),
      col((r) => r.promptTokens),
      col((r) => r.completionTokens),
      col((r) => (r.cached ? 0 : r.costUsd)),
      cached.map((r) => r.requestKey),
      cached.map((r) => r.cache!.model),
      cached.map((r) => r.cache!.request),
      cached.map((r) => r.cache!.response),
      cached.map((r) => r.promptTokens),
      cached.map((r) => r.completionTokens),
    ],
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
