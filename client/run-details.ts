import type { Genome } from '../core/genome/genome.js';
import { renderTaskMessages, resolveDemos } from '../core/genome/render.js';
import type { ChatMessage } from '../core/chat.js';
import { constantAnswer, constantAnswerNote } from '../core/program/answer-spread.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Db } from '../platform/db.js';
import { findCandidate } from '../storage/candidates.js';
import { findDistillation } from '../storage/distillations.js';
import { answersOnSplit } from '../storage/evaluations.js';
import { examplesById, firstInputs } from '../storage/examples.js';
import { evolveGenerations } from '../storage/generations.js';
import { findRun } from '../storage/runs.js';
import { readGenerationSpend, readRunSpendByModel } from '../storage/spend.js';
import { CliError, EXIT } from './errors.js';
import type { DistillResult, RunResult } from '../contracts/index.js';

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
  /** Set when the best gives one answer to nearly every validation example (core/program/answer-spread.ts). */
  constantAnswer?: string;
}

/** One run as PostgreSQL holds it: config, generations, spend per model, and the best genome as real messages. */
export async function loadRunDetails(db: Db, runId: string): Promise<RunDetails> {
  const run = await findRun<Exclude<RunDetails['result'], null>>(db, runId);
  if (!run)
    throw new CliError(`no run "${runId}" in the database; \`promptevo list\` shows recent runs`, EXIT.notFound);
  const generations = await evolveGenerations(db, runId);
  const genSpend = await readGenerationSpend(db, runId);
  const spendByModel = await readRunSpendByModel(db, runId);
  const distillation = (await findDistillation<DistillResult>(db, runId)) ?? null;

  const result = run.result;
  const bestHash =
    result && 'best' in result ? result.best.hash : (generations[generations.length - 1]?.bestHash ?? null);
  const constant = bestHash ? await constantAnswerWarning(db, runId, run.spec, bestHash) : undefined;
  return {
    runId,
    task: run.taskName,
    status: run.status,
    phase: run.phase,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    spec: run.spec,
    result,
    generations: generations.map((g) => ({
      generation: g.generation,
      bestHash: g.bestHash,
      bestScore: g.bestScore,
      meanScore: g.meanScore,
      proposed: g.stats.proposed ?? 0,
      promoted: g.stats.promoted ?? 0,
      calls: genSpend.get(g.generation)?.calls ?? 0,
      costUsd: genSpend.get(g.generation)?.costUsd ?? 0,
    })),
    best: bestHash ? await renderCandidate(db, runId, run.spec, bestHash) : null,
    spendByModel,
    distillation,
    ...(constant ? { constantAnswer: constant } : {}),
  };
}

/**
 * The warning `show` and the report print when a program gives one answer to nearly every
 * validation example on the dev model (core/program/answer-spread.ts); undefined otherwise.
 */
export async function constantAnswerWarning(
  db: Db,
  runId: string,
  spec: TaskSpec,
  hash: string,
): Promise<string | undefined> {
  const pairs = await answersOnSplit(db, runId, hash, spec.roles.dev, 'val');
  const found = constantAnswer(pairs, Object.keys(spec.signature.outputs));
  return found ? constantAnswerNote(found, 'validation') : undefined;
}

/** A stored genome with its demos resolved, rendered for one test example: exactly what the model is sent. */
export async function renderCandidate(
  db: Db,
  runId: string,
  spec: TaskSpec,
  hash: string,
): Promise<{ hash: string; operator: string; genome: Genome; messages: ChatMessage[] }> {
  const candidate = await findCandidate(db, runId, hash);
  if (!candidate) throw new CliError(`run ${runId} has no candidate ${hash}`, EXIT.notFound);
  const { genome, operator } = candidate;
  const examples = await loadDemoExamples(db, runId, genome);
  const sample = await firstInputs(db, runId, 'test');
  const messages = renderTaskMessages(genome, spec.signature, resolveDemos(genome.demos, examples), sample ?? {});
  return { hash, operator, genome, messages };
}

export async function loadDemoExamples(
  db: Db,
  runId: string,
  genome: Genome,
): Promise<Map<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }>> {
  const ids = genome.demos.flatMap((d) => (d.kind === 'example' ? [d.exampleId] : []));
  const examples = await examplesById(db, runId, ids);
  // Inputs and outputs only: a resolved demo is exported as it is, and the id is not part of it.
  return new Map([...examples].map(([id, e]) => [id, { inputs: e.inputs, outputs: e.outputs }]));
}
