import type { DistillResult } from '../core/engine/distill.js';
import { deserializeGenome, type Genome } from '../core/genome/genome.js';
import { renderTaskMessages, resolveDemos } from '../core/genome/render.js';
import type { ChatMessage } from '../core/chat.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Db } from '../platform/db.js';
import type { RunResult } from '../workflows/run.js';
import { CliError, EXIT } from './connection.js';

export interface RunDetails {
  runId: string;
  task: string;
  status: string;
  phase: string;
  createdAt: string;
  finishedAt: string | null;
  spec: TaskSpec;
  result: (RunResult & { error?: never }) | { error: string } | null;
  generations: {
    generation: number;
    bestHash: string;
    bestScore: number;
    meanScore: number;
    proposed: number;
    promoted: number;
    calls: number;
    costUsd: number;
  }[];
  best: { hash: string; operator: string; genome: Genome; messages: ChatMessage[] } | null;
  spendByModel: { model: string; calls: number; cachedCalls: number; tokens: number; costUsd: number }[];
  /** The latest distillation of the run (inside the run or started later with `promptevo distill`). */
  distillation: { status: string; result: DistillResult | null } | null;
}

/** One run as PostgreSQL holds it: config, generations, spend per model, and the best genome as real messages. */
export async function loadRunDetails(db: Db, runId: string): Promise<RunDetails> {
  const { rows } = await db.query<{
    task_name: string;
    status: string;
    phase: string;
    created_at: Date;
    finished_at: Date | null;
    spec: TaskSpec;
    result: RunDetails['result'];
  }>('SELECT task_name, status, phase, created_at, finished_at, spec, result FROM runs WHERE id = $1', [runId]);
  const run = rows[0];
  if (!run)
    throw new CliError(`no run "${runId}" in the database; \`promptevo list\` shows recent runs`, EXIT.notFound);

  const generations = await db.query<{
    generation: number;
    best_hash: string;
    best_score: number;
    mean_score: number;
    stats: { proposed?: number; promoted?: number };
    calls: string | null;
    cost: number | null;
  }>(
    `SELECT g.generation, g.best_hash, g.best_score, g.mean_score, g.stats,
            (SELECT count(*) FROM model_calls c WHERE c.run_id = g.run_id AND c.generation = g.generation
                AND c.purpose NOT LIKE 'distill:%' AND NOT c.cached) AS calls,
            (SELECT sum(cost_usd) FROM model_calls c WHERE c.run_id = g.run_id AND c.generation = g.generation
                AND c.purpose NOT LIKE 'distill:%') AS cost
       FROM generations g WHERE g.run_id = $1 AND g.stage = 'evolve' ORDER BY g.generation`,
    [runId],
  );
  const spend = await db.query<{ model: string; calls: string; cached: string; tokens: string; cost: number }>(
    `SELECT model, count(*) FILTER (WHERE NOT cached) AS calls, count(*) FILTER (WHERE cached) AS cached,
            coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE NOT cached), 0) AS tokens, coalesce(sum(cost_usd), 0) AS cost
       FROM model_calls WHERE run_id = $1 GROUP BY model ORDER BY model`,
    [runId],
  );

  const distilled = await db.query<{ status: string; result: DistillResult | null }>(
    'SELECT status, result FROM distillations WHERE run_id = $1',
    [runId],
  );

  const result = run.result;
  const bestHash =
    result && 'best' in result ? result.best.hash : (generations.rows[generations.rows.length - 1]?.best_hash ?? null);
  return {
    runId,
    task: run.task_name,
    status: run.status,
    phase: run.phase,
    createdAt: run.created_at.toISOString(),
    finishedAt: run.finished_at?.toISOString() ?? null,
    spec: run.spec,
    result,
    generations: generations.rows.map((g) => ({
      generation: g.generation,
      bestHash: g.best_hash,
      bestScore: g.best_score,
      meanScore: g.mean_score,
      proposed: g.stats.proposed ?? 0,
      promoted: g.stats.promoted ?? 0,
      calls: Number(g.calls ?? 0),
      costUsd: g.cost ?? 0,
    })),
    best: bestHash ? await renderCandidate(db, runId, run.spec, bestHash) : null,
    spendByModel: spend.rows.map((r) => ({
      model: r.model,
      calls: Number(r.calls),
      cachedCalls: Number(r.cached),
      tokens: Number(r.tokens),
      costUsd: r.cost,
    })),
    distillation: distilled.rows[0] ?? null,
  };
}

/** A stored genome with its demos resolved, rendered for one test example: exactly what the model is sent. */
export async function renderCandidate(
  db: Db,
  runId: string,
  spec: TaskSpec,
  hash: string,
): Promise<{ hash: string; operator: string; genome: Genome; messages: ChatMessage[] }> {
  const { rows } = await db.query<{ genome: unknown; operator: string }>(
    'SELECT genome, operator FROM candidates WHERE run_id = $1 AND hash = $2',
    [runId, hash],
  );
  if (!rows[0]) throw new CliError(`run ${runId} has no candidate ${hash}`, EXIT.notFound);
  const genome = deserializeGenome(JSON.stringify(rows[0].genome));
  const examples = await loadDemoExamples(db, runId, genome);
  const sample = await db.query<{ inputs: Record<string, unknown> }>(
    `SELECT inputs FROM examples WHERE run_id = $1 AND split = 'test' ORDER BY ordinal LIMIT 1`,
    [runId],
  );
  const messages = renderTaskMessages(
    genome,
    spec.signature,
    resolveDemos(genome.demos, examples),
    sample.rows[0]?.inputs ?? {},
  );
  return { hash, operator: rows[0].operator, genome, messages };
}

export async function loadDemoExamples(
  db: Db,
  runId: string,
  genome: Genome,
): Promise<Map<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }>> {
  const ids = genome.demos.flatMap((d) => (d.kind === 'example' ? [d.exampleId] : []));
  const { rows } = await db.query<{
    example_id: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  }>('SELECT example_id, inputs, outputs FROM examples WHERE run_id = $1 AND example_id = ANY($2)', [runId, ids]);
  return new Map(rows.map((r) => [r.example_id, { inputs: r.inputs, outputs: r.outputs }]));
}
