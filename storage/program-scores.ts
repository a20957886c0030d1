import type { ProgramScore, ProgramScorePurpose } from '../contracts/index.js';
import type { Db } from '../platform/db.js';

/** Stores a program's summary on a split; a newer summary of the same program replaces it. */
export async function storeProgramScore(
  db: Db,
  runId: string,
  purpose: ProgramScorePurpose,
  s: ProgramScore,
): Promise<void> {
  await db.query(
    `INSERT INTO program_scores (run_id, purpose, candidate_hash, model, split, examples, accuracy,
       prompt_tokens_per_call, completion_tokens_per_call, latency_ms_mean, latency_ms_p95, cost_per_1k_usd)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (run_id, purpose, candidate_hash, model, split) DO UPDATE SET examples = EXCLUDED.examples,
       accuracy = EXCLUDED.accuracy, prompt_tokens_per_call = EXCLUDED.prompt_tokens_per_call,
       completion_tokens_per_call = EXCLUDED.completion_tokens_per_call, latency_ms_mean = EXCLUDED.latency_ms_mean,
       latency_ms_p95 = EXCLUDED.latency_ms_p95, cost_per_1k_usd = EXCLUDED.cost_per_1k_usd, created_at = now()`,
    [
      runId,
      purpose,
      s.hash,
      s.model,
      s.split,
      s.examples,
      s.accuracy,
      s.promptTokensPerCall,
      s.completionTokensPerCall,
      s.latencyMsMean,
      s.latencyMsP95,
      s.costPer1kUsd,
    ],
  );
}

export interface ProductionScore {
  model: string;
  accuracy: number;
  promptTokensPerCall: number;
  completionTokensPerCall: number;
  latencyMsMean: number;
  costPer1kUsd: number;
}

/** A program's production scores, one per production model, in model order. */
export async function productionScores(db: Db, runId: string, hash: string): Promise<ProductionScore[]> {
  const { rows } = await db.query<{
    model: string;
    accuracy: number;
    prompt_tokens_per_call: number;
    completion_tokens_per_call: number;
    latency_ms_mean: number;
    cost_per_1k_usd: number;
  }>(
    `SELECT model, accuracy, prompt_tokens_per_call, completion_tokens_per_call, latency_ms_mean, cost_per_1k_usd
       FROM program_scores WHERE run_id = $1 AND purpose = 'production' AND candidate_hash = $2 ORDER BY model`,
    [runId, hash],
  );
  return rows.map((p) => ({
    model: p.model,
    accuracy: p.accuracy,
    promptTokensPerCall: p.prompt_tokens_per_call,
    completionTokensPerCall: p.completion_tokens_per_call,
    latencyMsMean: p.latency_ms_mean,
    costPer1kUsd: p.cost_per_1k_usd,
  }));
}
