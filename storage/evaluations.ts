import type { Demo } from '../core/genome/genome.js';
import { traceFromAnswer } from '../core/program/stored-answer.js';
import type { AnswerPair } from '../core/program/answer-spread.js';
import type { Db } from '../platform/db.js';

type Trace = Extract<Demo, { kind: 'trace' }>;

/** One example's evaluation of a candidate on a model (`model` is the evaluation label). */
export interface NewEvaluation {
  runId: string;
  hash: string;
  model: string;
  exampleId: string;
  /** The parsed answer as JSON text, or null when it did not parse. */
  output: string | null;
  raw: string | null;
  score: number;
  feedback: string | null;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  cached: boolean;
  costUsd: number;
}

/** Scores already stored for a candidate on a model, by example id. */
export async function storedScores(
  db: Db,
  runId: string,
  hash: string,
  model: string,
  exampleIds: readonly string[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ example_id: string; score: number }>(
    'SELECT example_id, score FROM evaluations WHERE run_id = $1 AND candidate_hash = $2 AND model = $3 AND example_id = ANY($4)',
    [runId, hash, model, exampleIds],
  );
  return new Map(rows.map((r) => [r.example_id, r.score]));
}

/** Whose evaluations a batch holds: one candidate on one model (its evaluation label) in one run. */
export type EvaluationOwner = Pick<NewEvaluation, 'runId' | 'hash' | 'model'>;

/**
 * Stores one candidate's evaluations (an activity's batch) with their examples' splits in one
 * statement; the first stored evaluation of an example stays.
 */
export async function insertEvaluations(
  db: Db,
  owner: EvaluationOwner,
  rows: readonly Omit<NewEvaluation, keyof EvaluationOwner>[],
): Promise<void> {
  if (rows.length === 0) return;
  const column = <T>(pick: (e: (typeof rows)[number]) => T): T[] => rows.map(pick);
  await db.query(
    `INSERT INTO evaluations (run_id, candidate_hash, model, example_id, output, raw_output, score, feedback,
                              prompt_tokens, completion_tokens, latency_ms, cached, cost_usd, split)
     SELECT $1, $2, $3, v.example_id, v.output::jsonb, v.raw_output, v.score, v.feedback,
            v.prompt_tokens, v.completion_tokens, v.latency_ms, v.cached, v.cost_usd, e.split
       FROM unnest($4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::int[], $10::int[],
                   $11::int[], $12::bool[], $13::float8[])
            AS v(example_id, output, raw_output, score, feedback, prompt_tokens, completion_tokens,
                 latency_ms, cached, cost_usd)
       JOIN examples e ON e.run_id = $1 AND e.example_id = v.example_id
     ON CONFLICT (run_id, candidate_hash, model, example_id) DO NOTHING`,
    [
      owner.runId,
      owner.hash,
      owner.model,
      column((e) => e.exampleId),
      column((e) => e.output),
      column((e) => e.raw),
      column((e) => e.score),
      column((e) => e.feedback),
      column((e) => e.promptTokens),
      column((e) => e.completionTokens),
      column((e) => e.latencyMs),
      column((e) => e.cached),
      column((e) => (e.cached ? 0 : e.costUsd)),
    ],
  );
}

/**
 * A program's passing answers (with reasoning where it gave some) on the given examples, as
 * trace demos: the teacher's traces in distillation, a parent's in bootstrap. `model` is the
 * program's label (`programLabel`); answers are read back as the program runner stored them.
 */
export async function passingTraces(
  db: Db,
  runId: string,
  hash: string,
  model: string,
  ids: readonly string[],
): Promise<Trace[]> {
  const { rows } = await db.query<{
    example_id: string;
    inputs: Record<string, unknown>;
    output: Record<string, unknown> & { reasoning?: unknown };
  }>(
    `SELECT v.example_id, e.inputs, v.output
       FROM evaluations v JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id
      WHERE v.run_id = $1 AND v.candidate_hash = $2 AND v.model = $3 AND v.example_id = ANY($4)
        AND v.score >= 1 AND v.output IS NOT NULL
      ORDER BY v.example_id`,
    [runId, hash, model, ids],
  );
  return rows.map((r) => traceFromAnswer(r.example_id, r.inputs, r.output));
}

/** A failure on a train example, with what the rival made of the same example. */
export interface TrainFailure {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  output: unknown;
  rawOutput: string;
  feedback: string | null;
  rivalPassed: boolean;
  inFocus: boolean;
}

/**
 * Up to 40 of a candidate's failures on train examples (only train is ever shown to a meta
 * model): those among `focusIds` first, then by score and example id.
 */
export async function trainFailures(
  db: Db,
  q: { runId: string; hash: string; model: string; rival: string | null; focusIds: readonly string[] },
): Promise<TrainFailure[]> {
  const { rows } = await db.query<{
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    output: unknown;
    raw_output: string;
    feedback: string | null;
    rival_passed: boolean;
    in_focus: boolean;
  }>(
    `SELECT e.inputs, e.outputs, v.output, v.raw_output, v.feedback,
            COALESCE(r.score >= 1, false) AS rival_passed, v.example_id = ANY($5::text[]) AS in_focus
       FROM evaluations v JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id
       LEFT JOIN evaluations r ON r.run_id = v.run_id AND r.candidate_hash = $4 AND r.model = v.model
                              AND r.example_id = v.example_id
      WHERE v.run_id = $1 AND v.candidate_hash = $2 AND v.model = $3 AND v.score < 1 AND v.split = 'train'
      ORDER BY in_focus DESC, v.score, v.example_id LIMIT 40`,
    [q.runId, q.hash, q.model, q.rival, q.focusIds],
  );
  return rows.map((r) => ({
    inputs: r.inputs,
    outputs: r.outputs,
    output: r.output,
    rawOutput: r.raw_output,
    feedback: r.feedback,
    rivalPassed: r.rival_passed,
    inFocus: r.in_focus,
  }));
}

/** Means over a program's stored evaluations on some examples; `examples` is 0 when there are none. */
export interface EvaluationSummary {
  examples: number;
  accuracy: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number | null;
  latencyMsP95: number | null;
}

export async function summarizeEvaluations(
  db: Db,
  runId: string,
  hash: string,
  model: string,
  exampleIds: readonly string[],
): Promise<EvaluationSummary> {
  const { rows } = await db.query<{
    n: string;
    accuracy: number | null;
    prompt: number | null;
    completion: number | null;
    latency: number | null;
    p95: number | null;
  }>(
    `SELECT count(*) AS n, avg(score) AS accuracy, avg(prompt_tokens)::float8 AS prompt,
            avg(completion_tokens)::float8 AS completion, avg(latency_ms)::float8 AS latency,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
       FROM evaluations WHERE run_id = $1 AND candidate_hash = $2 AND model = $3 AND example_id = ANY($4)`,
    [runId, hash, model, exampleIds],
  );
  const r = rows[0]!;
  return {
    examples: Number(r.n),
    accuracy: r.accuracy,
    promptTokens: r.prompt,
    completionTokens: r.completion,
    latencyMs: r.latency,
    latencyMsP95: r.p95,
  };
}

/** One test example with the seed's and the winner's stored answers on one model (either may be missing). */
export interface TestComparison {
  exampleId: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  seed: { output: unknown; raw: string | null; score: number | null };
  winner: { output: unknown; raw: string | null; score: number | null };
}

export async function compareOnTest(
  db: Db,
  runId: string,
  seedHash: string,
  winnerHash: string,
  model: string,
): Promise<TestComparison[]> {
  const { rows } = await db.query<{
    example_id: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    seed_output: unknown;
    seed_raw: string | null;
    seed_score: number | null;
    winner_output: unknown;
    winner_raw: string | null;
    winner_score: number | null;
  }>(
    `SELECT e.example_id, e.inputs, e.outputs,
            s.output AS seed_output, s.raw_output AS seed_raw, s.score AS seed_score,
            w.output AS winner_output, w.raw_output AS winner_raw, w.score AS winner_score
       FROM examples e
       LEFT JOIN evaluations s ON s.run_id = e.run_id AND s.example_id = e.example_id AND s.candidate_hash = $2 AND s.model = $4
       LEFT JOIN evaluations w ON w.run_id = e.run_id AND w.example_id = e.example_id AND w.candidate_hash = $3 AND w.model = $4
      WHERE e.run_id = $1 AND e.split = 'test' ORDER BY e.ordinal`,
    [runId, seedHash, winnerHash, model],
  );
  return rows.map((t) => ({
    exampleId: t.example_id,
    inputs: t.inputs,
    outputs: t.outputs,
    seed: { output: t.seed_output, raw: t.seed_raw, score: t.seed_score },
    winner: { output: t.winner_output, raw: t.winner_raw, score: t.winner_score },
  }));
}

/** A program's stored answers on one split beside each example's expected outputs (examples it was not scored on left out). */
export async function answersOnSplit(
  db: Db,
  runId: string,
  hash: string,
  model: string,
  split: 'train' | 'val' | 'test',
): Promise<(AnswerPair & { exampleId: string })[]> {
  const { rows } = await db.query<{
    example_id: string;
    output: Record<string, unknown> | null;
    outputs: Record<string, unknown>;
  }>(
    `SELECT v.example_id, v.output, e.outputs
       FROM evaluations v JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id
      WHERE v.run_id = $1 AND v.candidate_hash = $2 AND v.model = $3 AND e.split = $4
      ORDER BY e.ordinal`,
    [runId, hash, model, split],
  );
  return rows.map((r) => ({ exampleId: r.example_id, given: r.output, expected: r.outputs }));
}

/** How many evaluations a run stored, and how many of them were answered from the response cache. */
export async function countEvaluations(db: Db, runId: string): Promise<{ total: number; cached: number }> {
  const { rows } = await db.query<{ total: string; cached: string }>(
    'SELECT count(*) AS total, count(*) FILTER (WHERE cached) AS cached FROM evaluations WHERE run_id = $1',
    [runId],
  );
  return { total: Number(rows[0]?.total ?? 0), cached: Number(rows[0]?.cached ?? 0) };
}
