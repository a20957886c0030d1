import type { Db } from '../platform/db.js';
import type { GenerationStats, Stage } from '../contracts/index.js';

export interface GenerationRecord {
  runId: string;
  generation: number;
  population: string[];
  stats: GenerationStats;
  stage: Stage;
}

/** A generation of the run's own evolution as stored (distillation's rounds are left out). */
export interface StoredGeneration {
  generation: number;
  population: string[];
  bestHash: string;
  bestScore: number;
  meanScore: number;
  stats: { proposed?: number; promoted?: number };
}

/** Records a finished generation; a retried recording replaces it. */
export async function storeGeneration(db: Db, g: GenerationRecord): Promise<void> {
  const { stats } = g;
  await db.query(
    `INSERT INTO generations (run_id, generation, population, best_hash, best_score, mean_score, stats, stage)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (run_id, stage, generation) DO UPDATE SET population = EXCLUDED.population, best_hash = EXCLUDED.best_hash,
       best_score = EXCLUDED.best_score, mean_score = EXCLUDED.mean_score, stats = EXCLUDED.stats, finished_at = now()`,
    [
      g.runId,
      g.generation,
      g.population,
      stats.bestHash,
      stats.bestScore,
      stats.meanScore,
      JSON.stringify(stats),
      g.stage,
    ],
  );
}

/** The run's own generations, in order. */
export async function evolveGenerations(db: Db, runId: string): Promise<StoredGeneration[]> {
  const { rows } = await db.query<{
    generation: number;
    population: string[];
    best_hash: string;
    best_score: number;
    mean_score: number;
    stats: StoredGeneration['stats'];
  }>(
    `SELECT generation, population, best_hash, best_score, mean_score, stats FROM generations
      WHERE run_id = $1 AND stage = 'evolve' ORDER BY generation`,
    [runId],
  );
  return rows.map((g) => ({
    generation: g.generation,
    population: g.population,
    bestHash: g.best_hash,
    bestScore: g.best_score,
    meanScore: g.mean_score,
    stats: g.stats,
  }));
}

export interface GenerationTiming {
  generation: number;
  seconds: number;
  evaluationCalls: number;
  proposalCalls: number;
}

/**
 * Per-generation pace of a run's evolution (benchmarks; distillation rounds left out): seconds
 * since the previous generation finished (or the run was created), and the ledger's evaluation
 * and proposal calls of the generation.
 */
export async function generationTimings(db: Db, runId: string): Promise<GenerationTiming[]> {
  const { rows } = await db.query<{ generation: number; seconds: number; evaluations: string; proposals: string }>(
    `SELECT g.generation,
            extract(epoch FROM g.finished_at - coalesce(lag(g.finished_at) OVER (ORDER BY g.generation), r.created_at))::float8 AS seconds,
            (SELECT count(*) FROM model_calls c WHERE c.run_id = g.run_id AND c.generation = g.generation
                AND c.purpose IN ('screen', 'validate')) AS evaluations,
            (SELECT count(*) FROM model_calls c WHERE c.run_id = g.run_id AND c.generation = g.generation
                AND c.purpose LIKE 'propose:%') AS proposals
       FROM generations g JOIN runs r ON r.id = g.run_id
      WHERE g.run_id = $1 AND g.stage = 'evolve' ORDER BY g.generation`,
    [runId],
  );
  return rows.map((r) => ({
    generation: r.generation,
    seconds: r.seconds,
    evaluationCalls: Number(r.evaluations),
    proposalCalls: Number(r.proposals),
  }));
}
