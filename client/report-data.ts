import type { DistillResult } from '../core/engine/distill.js';
import { deserializeGenome } from '../core/genome/genome.js';
import { renderInstruction } from '../core/genome/instruction.js';
import { renderFields } from '../core/genome/render-fields.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db.js';
import type { RunResult } from '../workflows/run.js';
import { runWorkflowId } from '../workflows/search-attributes.js';
import { CliError, EXIT, temporalUiUrl } from './connection.js';
import type { ReportPrompt, ReportSpend, RunReportData } from './report/types.js';

interface SpendRow {
  calls: string;
  cached: string;
  tokens: string;
  cost: number | null;
}
const spendOf = (r: SpendRow | undefined): ReportSpend => ({
  calls: Number(r?.calls ?? 0),
  cachedCalls: Number(r?.cached ?? 0),
  tokens: Number(r?.tokens ?? 0),
  costUsd: r?.cost ?? 0,
});
const SPEND_COLUMNS = `count(*) FILTER (WHERE NOT cached) AS calls, count(*) FILTER (WHERE cached) AS cached,
  coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE NOT cached), 0) AS tokens, coalesce(sum(cost_usd), 0) AS cost`;

/** Everything a run report shows, read from PostgreSQL. */
export async function loadReportData(db: Db, config: Config, runId: string): Promise<RunReportData> {
  const { rows: runs } = await db.query<{
    task_name: string;
    status: string;
    created_at: Date;
    finished_at: Date | null;
    seed: string;
    spec: TaskSpec;
    result: RunResult | { error: string } | null;
  }>('SELECT task_name, status, created_at, finished_at, seed, spec, result FROM runs WHERE id = $1', [runId]);
  const run = runs[0];
  if (!run)
    throw new CliError(`no run "${runId}" in the database; \`promptevo list\` shows recent runs`, EXIT.notFound);
  const spec = run.spec;
  const dev = spec.roles.dev;
  const result = run.result && 'best' in run.result ? run.result : undefined;

  const valSize = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM examples WHERE run_id = $1 AND split = 'val'`,
    [runId],
  );
  const candidates = await db.query<{
    hash: string;
    generation: number;
    operator: string;
    parent_hashes: string[];
    note: string | null;
    genome: unknown;
    val: number | null;
  }>(
    `SELECT c.hash, c.generation, c.operator, c.parent_hashes, c.note, c.genome,
            (SELECT CASE WHEN count(*) = $3 THEN avg(v.score) END
               FROM evaluations v JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id AND e.split = 'val'
              WHERE v.run_id = c.run_id AND v.candidate_hash = c.hash AND v.model = $2) AS val
       FROM candidates c WHERE c.run_id = $1 AND c.stage = 'evolve' ORDER BY c.generation, c.created_at, c.hash`,
    [runId, dev, Number(valSize.rows[0]?.n ?? 0)],
  );
  const valByHash = new Map(candidates.rows.map((c) => [c.hash, c.val]));

  const generations = await db.query<{
    generation: number;
    population: string[];
    best_score: number;
    mean_score: number;
  }>(
    `SELECT generation, population, best_score, mean_score FROM generations
      WHERE run_id = $1 AND stage = 'evolve' ORDER BY generation`,
    [runId],
  );
  const spendByGeneration = await db.query<SpendRow & { generation: number }>(
    `SELECT generation, ${SPEND_COLUMNS} FROM model_calls WHERE run_id = $1 AND purpose NOT LIKE 'distill:%' GROUP BY generation`,
    [runId],
  );
  const genSpend = new Map(spendByGeneration.rows.map((r) => [r.generation, spendOf(r)]));
  const totals = await db.query<SpendRow>(`SELECT ${SPEND_COLUMNS} FROM model_calls WHERE run_id = $1`, [runId]);

  const seedRow = candidates.rows.find((c) => c.operator === 'seed');
  const seedHash = result?.baseline.hash ?? seedRow?.hash ?? '';
  const winnerHash = result?.best.hash ?? generations.rows.at(-1)?.population[0] ?? seedHash;
  const prompt = (hash: string, val: number | null, test: number | null): ReportPrompt => {
    const row = candidates.rows.find((c) => c.hash === hash);
    const instruction = row ? renderInstruction(deserializeGenome(JSON.stringify(row.genome)).sections) : '';
    return { hash, val, test, instruction };
  };
  const winnerGenome = candidates.rows.find((c) => c.hash === winnerHash);

  const tests = await db.query<{
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
    [runId, seedHash, winnerHash, dev],
  );
  const shown = (output: unknown, raw: string | null): string => (output ? JSON.stringify(output) : (raw ?? ''));
  const production = await db.query<{
    model: string;
    accuracy: number;
    prompt_tokens_per_call: number;
    completion_tokens_per_call: number;
    latency_ms_mean: number;
    cost_per_1k_usd: number;
  }>(
    `SELECT model, accuracy, prompt_tokens_per_call, completion_tokens_per_call, latency_ms_mean, cost_per_1k_usd
       FROM program_scores WHERE run_id = $1 AND purpose = 'production' AND candidate_hash = $2 ORDER BY model`,
    [runId, winnerHash],
  );
  const distilled = await db.query<{ result: DistillResult | null }>(
    'SELECT result FROM distillations WHERE run_id = $1',
    [runId],
  );
  const distill = distilled.rows[0]?.result;

  return {
    run: {
      id: runId,
      task: run.task_name,
      status: run.status,
      createdAt: run.created_at.toISOString(),
      finishedAt: run.finished_at?.toISOString() ?? null,
      seed: Number(run.seed),
      metric: describeMetric(spec),
      models: Object.entries(spec.models).map(([name, m]) => ({
        name,
        model: m.model,
        baseUrl: m.baseUrl,
        roles: rolesOf(spec, name),
      })),
      uiUrl: temporalUiUrl(config, runWorkflowId(runId)),
    },
    totals: spendOf(totals.rows[0]),
    generations: generations.rows.map((g) => {
      const scores = g.population.map((h) => valByHash.get(h)).filter((v): v is number => typeof v === 'number');
      return {
        generation: g.generation,
        best: g.best_score,
        mean: g.mean_score,
        min: scores.length ? Math.min(...scores) : g.mean_score,
        max: scores.length ? Math.max(...scores) : g.best_score,
        ...(genSpend.get(g.generation) ?? spendOf(undefined)),
      };
    }),
    candidates: candidates.rows.map((c) => ({
      hash: c.hash,
      generation: c.generation,
      operator: c.operator,
      parents: c.parent_hashes,
      score: c.val,
      note: c.note,
    })),
    seed: prompt(seedHash, result?.baseline.val ?? valByHash.get(seedHash) ?? null, result?.baseline.test ?? null),
    winner: {
      ...prompt(winnerHash, result?.best.val ?? valByHash.get(winnerHash) ?? null, result?.best.test ?? null),
      demos: winnerGenome ? deserializeGenome(JSON.stringify(winnerGenome.genome)).demos.length : 0,
      ...(result?.winner ? { verdict: { significant: result.winner.significant, text: result.winner.verdict } } : {}),
    },
    examples: tests.rows.map((t) => ({
      id: t.example_id,
      inputs: renderFields(t.inputs, Object.keys(spec.signature.inputs)),
      expected: JSON.stringify(t.outputs),
      seed: t.seed_score === null ? null : { output: shown(t.seed_output, t.seed_raw), score: t.seed_score },
      winner: t.winner_score === null ? null : { output: shown(t.winner_output, t.winner_raw), score: t.winner_score },
    })),
    production: production.rows.map((p) => ({
      model: p.model,
      test: p.accuracy,
      tokensPerCall: p.prompt_tokens_per_call + p.completion_tokens_per_call,
      latencyMs: p.latency_ms_mean,
      costPer1000: p.cost_per_1k_usd,
    })),
    ...(distill
      ? {
          distillation: {
            thresholdMet: distill.thresholdMet,
            threshold: distill.threshold,
            teacher: {
              model: distill.teacher.test?.model ?? distill.teacher.model,
              test: distill.teacher.test?.accuracy ?? 0,
              costPer1000: distill.teacher.test?.costPer1kUsd ?? 0,
            },
            student: {
              model: distill.student.model,
              val: distill.student.valAccuracy,
              test: distill.student.test?.accuracy ?? 0,
              costPer1000: distill.student.test?.costPer1kUsd ?? 0,
            },
            rounds: distill.rounds,
            costUsd: distill.spend.costUsd,
          },
        }
      : {}),
  };
}

function rolesOf(spec: TaskSpec, name: string): string[] {
  const roles: string[] = [];
  if (spec.roles.meta === name) roles.push('meta');
  if (spec.roles.dev === name) roles.push('dev');
  if (spec.roles.production.includes(name)) roles.push('production');
  if (spec.roles.teacher === name) roles.push('teacher');
  if (spec.roles.student === name) roles.push('student');
  return roles;
}

function describeMetric(spec: TaskSpec): string {
  const metric = spec.metric as { kind: string; field?: string };
  return metric.field ? `${metric.kind} on ${metric.field}` : metric.kind;
}
