import { zeroSpend } from '../core/engine/types.js';
import { deserializeGenome } from '../core/genome/genome.js';
import { renderInstruction } from '../core/genome/instruction.js';
import { renderFields } from '../core/genome/render-fields.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db.js';
import { evolveCandidatesScored } from '../storage/candidates.js';
import { findDistillation } from '../storage/distillations.js';
import { compareOnTest } from '../storage/evaluations.js';
import { splitSize } from '../storage/examples.js';
import { evolveGenerations } from '../storage/generations.js';
import { productionScores } from '../storage/program-scores.js';
import { findRun } from '../storage/runs.js';
import { readGenerationSpend, readRunSpend } from '../storage/spend.js';
import { CliError, EXIT } from './errors.js';
import { temporalUiUrl } from './ui-links.js';
import { constantAnswerWarning } from './run-details.js';
import type { ReportPrompt, RunReportData } from './report/types.js';
import { type DistillResult, type RunResult, runWorkflowId } from '../contracts/index.js';

/** Everything a run report shows, read from PostgreSQL. */
export async function loadReportData(db: Db, config: Config, runId: string): Promise<RunReportData> {
  const run = await findRun<RunResult | { error: string }>(db, runId);
  if (!run)
    throw new CliError(`no run "${runId}" in the database; \`promptevo list\` shows recent runs`, EXIT.notFound);
  const spec = run.spec;
  const dev = spec.roles.dev;
  const result = run.result && 'best' in run.result ? run.result : undefined;

  const candidates = await evolveCandidatesScored(db, runId, dev, await splitSize(db, runId, 'val'));
  const valByHash = new Map(candidates.map((c) => [c.hash, c.val]));
  const generations = await evolveGenerations(db, runId);
  const genSpend = await readGenerationSpend(db, runId);
  const totals = await readRunSpend(db, runId);

  const seedRow = candidates.find((c) => c.operator === 'seed');
  const seedHash = result?.baseline.hash ?? seedRow?.hash ?? '';
  const winnerHash = result?.best.hash ?? generations.at(-1)?.population[0] ?? seedHash;
  const prompt = (hash: string, val: number | null, test: number | null): ReportPrompt => {
    const row = candidates.find((c) => c.hash === hash);
    const instruction = row ? renderInstruction(deserializeGenome(JSON.stringify(row.genome)).sections) : '';
    return { hash, val, test, instruction };
  };
  const winnerGenome = candidates.find((c) => c.hash === winnerHash);

  const tests = await compareOnTest(db, runId, seedHash, winnerHash, dev);
  const constant = await constantAnswerWarning(db, runId, spec, winnerHash);
  const shown = (output: unknown, raw: string | null): string => (output ? JSON.stringify(output) : (raw ?? ''));
  const production = await productionScores(db, runId, winnerHash);
  const distill = (await findDistillation<DistillResult>(db, runId))?.result;

  return {
    run: {
      id: runId,
      task: run.taskName,
      status: run.status,
      createdAt: run.createdAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      seed: run.seed,
      metric: describeMetric(spec),
      models: Object.entries(spec.models).map(([name, m]) => ({
        name,
        model: m.model,
        baseUrl: m.baseUrl,
        roles: rolesOf(spec, name),
      })),
      uiUrl: temporalUiUrl(config, runWorkflowId(runId)),
    },
    totals,
    generations: generations.map((g) => {
      const scores = g.population.map((h) => valByHash.get(h)).filter((v): v is number => typeof v === 'number');
      return {
        generation: g.generation,
        best: g.bestScore,
        mean: g.meanScore,
        min: scores.length ? Math.min(...scores) : g.meanScore,
        max: scores.length ? Math.max(...scores) : g.bestScore,
        ...(genSpend.get(g.generation) ?? zeroSpend),
      };
    }),
    candidates: candidates.map((c) => ({
      hash: c.hash,
      generation: c.generation,
      operator: c.operator,
      parents: c.parents,
      score: c.val,
      note: c.note,
    })),
    seed: prompt(seedHash, result?.baseline.val ?? valByHash.get(seedHash) ?? null, result?.baseline.test ?? null),
    winner: {
      ...prompt(winnerHash, result?.best.val ?? valByHash.get(winnerHash) ?? null, result?.best.test ?? null),
      demos: winnerGenome ? deserializeGenome(JSON.stringify(winnerGenome.genome)).demos.length : 0,
      ...(result?.winner ? { verdict: { significant: result.winner.significant, text: result.winner.verdict } } : {}),
      ...(constant ? { constantAnswer: constant } : {}),
    },
    examples: tests.map((t) => ({
      id: t.exampleId,
      inputs: renderFields(t.inputs, Object.keys(spec.signature.inputs)),
      expected: JSON.stringify(t.outputs),
      seed: t.seed.score === null ? null : { output: shown(t.seed.output, t.seed.raw), score: t.seed.score },
      winner: t.winner.score === null ? null : { output: shown(t.winner.output, t.winner.raw), score: t.winner.score },
    })),
    production: production.map((p) => ({
      model: p.model,
      test: p.accuracy,
      tokensPerCall: p.promptTokensPerCall + p.completionTokensPerCall,
      latencyMs: p.latencyMsMean,
      costPer1000: p.costPer1kUsd,
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
