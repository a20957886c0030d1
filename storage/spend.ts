// What a run has spent: the one place workers and the client read it.
//
// The source is `run_spend`, the call ledger's running totals per run and model, written by the
// statement that books each ledger row (ledger.ts), so the two cannot disagree. Reading it costs
// the same at any run size; a sum over the ledger grows with every call, and every activity reads
// its run's spend. Per generation is the one figure `run_spend` does not keep: it is summed from
// the ledger (indexed by run and generation), with the same definitions.
import type { Spend } from '../core/engine/types.js';
import type { Db } from '../platform/db.js';
import { DISTILL_PURPOSE_LIKE } from '../contracts/purposes.js';

export interface ModelSpend extends Spend {
  model: string;
}

interface SpendRow {
  calls: string;
  cached: string;
  tokens: string;
  cost: number | null;
}

const spendOf = (r: SpendRow | undefined): Spend => ({
  calls: Number(r?.calls ?? 0),
  cachedCalls: Number(r?.cached ?? 0),
  tokens: Number(r?.tokens ?? 0),
  costUsd: r?.cost ?? 0,
});

/** The ledger's rows summed as `run_spend` sums them: paid calls, cache hits, paid tokens, dollars. */
const LEDGER_SUMS = `count(*) FILTER (WHERE NOT cached) AS calls, count(*) FILTER (WHERE cached) AS cached,
  coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE NOT cached), 0) AS tokens, coalesce(sum(cost_usd), 0) AS cost`;

/** Totals of what the run has paid for so far (cache hits cost nothing), distillation included. */
export async function readRunSpend(db: Db, runId: string): Promise<Spend> {
  const { rows } = await db.query<SpendRow>(
    `SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(cached_calls), 0) AS cached,
            coalesce(sum(tokens), 0) AS tokens, coalesce(sum(cost_usd), 0) AS cost
       FROM run_spend WHERE run_id = $1`,
    [runId],
  );
  return spendOf(rows[0]);
}

/** The same totals per model, in model order. */
export async function readRunSpendByModel(db: Db, runId: string): Promise<ModelSpend[]> {
  const { rows } = await db.query<SpendRow & { model: string }>(
    `SELECT model, calls, cached_calls AS cached, tokens, cost_usd AS cost
       FROM run_spend WHERE run_id = $1 ORDER BY model`,
    [runId],
  );
  return rows.map((r) => ({ model: r.model, ...spendOf(r) }));
}

/** Spend per generation of the run's own evolution (distillation's calls left out), by generation. */
export async function readGenerationSpend(db: Db, runId: string): Promise<Map<number, Spend>> {
  const { rows } = await db.query<SpendRow & { generation: number }>(
    `SELECT generation, ${LEDGER_SUMS} FROM model_calls WHERE run_id = $1 AND purpose NOT LIKE $2 GROUP BY generation`,
    [runId, DISTILL_PURPOSE_LIKE],
  );
  return new Map(rows.map((r) => [r.generation, spendOf(r)]));
}

/**
 * The run's totals summed over the whole ledger: what `run_spend` saves every reader. Nothing in
 * the product reads it; the scale benchmark times it against `readRunSpend`.
 */
export async function sumLedgerSpend(db: Db, runId: string): Promise<Spend> {
  const { rows } = await db.query<SpendRow>(`SELECT ${LEDGER_SUMS} FROM model_calls WHERE run_id = $1`, [runId]);
  return spendOf(rows[0]);
}
