// The evaluation workload of the overhead and scale-out benchmarks: N distinct candidates, each
// evaluated on the run's M validation examples, either through Temporal (the real generation
// workflow fanning out evaluateCandidate activities to worker processes) or in this process
// (the same evaluateCandidate activity function, called directly with the same concurrency).
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { mapBounded } from '../activities/concurrency.js';
import { createActivities, type Activities } from '../activities/index.js';
import { seedGenome } from '../activities/run-lifecycle.js';
import type { LoadedTask } from '../client/task-file.js';
import { chunk, EVAL_BATCH, examplesPerActivity } from '../core/engine/plan.js';
import { zeroSpend } from '../core/engine/types.js';
import { genomeHash, normalizeGenome, withSections } from '../core/genome/genome.js';
import { Rng } from '../core/rng.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db.js';
import { createLogger } from '../platform/logger.js';
import { insertCandidate } from '../storage/candidates.js';
import { countEvaluations } from '../storage/evaluations.js';
import { generationWorkflow } from '../workflows/generation.js';
import type { Cleanup } from './cleanup.js';
import { type EvaluateInput, type GenerationInput, generationWorkflowId } from '../contracts/index.js';

/** Examples per evaluateCandidate activity when the spec does not set search.examplesPerActivity. */
export { EVAL_BATCH };

export interface EvalWorkload {
  runId: string;
  spec: TaskSpec;
  valIds: string[];
  hashes: string[];
}

/** Activities as a worker process builds them (`worker/create-worker.ts`), on the given pool. */
export function benchActivities(config: Config, db: Db): Activities {
  return createActivities({ config, db, log: createLogger('warn'), workerIdentity: `bench-${process.pid}` });
}

/**
 * Records the run (real prepareRun: dataset loaded, split, stored) and `candidates` distinct
 * genomes: the seed prompt with a numbered task sentence, so no two share a cached response.
 * Population size 1 and no elites make a generation-0 workflow evaluate the given members and
 * propose no children, so the Temporal arm does exactly this workload and nothing else.
 */
export async function prepareEvalWorkload(
  activities: Activities,
  db: Db,
  task: LoadedTask,
  runId: string,
  candidates: number,
  adjust: (spec: TaskSpec) => TaskSpec,
): Promise<EvalWorkload> {
  const base = adjust(task.spec);
  const spec: TaskSpec = { ...base, search: { ...base.search, populationSize: 1, elites: 0 } };
  const prepared = await activities.prepareRun({ runId, spec, datasetPath: task.datasetPath, taskFile: task.taskFile });
  const seed = seedGenome(spec);
  const hashes: string[] = [];
  for (let i = 1; i <= candidates; i++) {
    const genome = normalizeGenome(withSections(seed, { task: `${seed.sections.task} (variant ${i} of ${runId})` }));
    const hash = genomeHash(genome);
    await insertCandidate(db, {
      runId,
      hash,
      genome,
      parents: [],
      operator: 'seed',
      generation: 0,
      note: 'benchmark variant',
      stage: 'evolve',
    });
    hashes.push(hash);
  }
  return { runId, spec, valIds: prepared.valIds, hashes };
}

export const evaluationCount = (w: EvalWorkload): number => w.hashes.length * w.valIds.length;

/** Runs the real generation workflow (generation 0, nothing proposed) and returns its wall time in ms. */
export async function evaluateViaTemporal(
  client: Client,
  taskQueue: string,
  w: EvalWorkload,
  cleanup: Cleanup,
): Promise<{ ms: number; workflowId: string }> {
  const input: GenerationInput = {
    runId: w.runId,
    generation: 0,
    spec: w.spec,
    mode: { kind: 'evolve' },
    valIds: w.valIds,
    screenIds: [],
    population: w.hashes.map((hash) => ({ hash, operator: 'seed', parents: [], score: 0, scores: [] })),
    rngState: Rng.fromSeed(`bench:${w.runId}`).getState(),
    budget: {},
    reserveCalls: 0,
    spend: { ...zeroSpend },
  };
  const workflowId = generationWorkflowId(w.runId, 0);
  const started = performance.now();
  const handle = await client.workflow.start(generationWorkflow, { workflowId, taskQueue, args: [input] });
  cleanup.add(`terminate ${workflowId}`, () => handle.terminate('benchmark over').catch(() => undefined));
  await handle.result();
  return { ms: performance.now() - started, workflowId };
}

/** The same activity calls as the workflow makes, in this process, `concurrency` at a time. */
export async function evaluateInProcess(activities: Activities, w: EvalWorkload, concurrency: number): Promise<number> {
  const inputs: EvaluateInput[] = w.hashes.flatMap((hash) =>
    chunk(w.valIds, examplesPerActivity(w.spec.search)).map((exampleIds) => ({
      runId: w.runId,
      generation: 0,
      hash,
      role: 'dev' as const,
      exampleIds,
      purpose: 'validate',
    })),
  );
  const started = performance.now();
  // evaluateCandidate heartbeats, so it needs an activity context; the SDK's mock one costs nothing here.
  await mapBounded(inputs, concurrency, (input) =>
    new MockActivityEnvironment().run(activities.evaluateCandidate, input),
  );
  return performance.now() - started;
}

/** Evaluations the run answered from the response cache (0 when every evaluation was paid for). */
export async function cachedEvaluations(db: Db, runId: string): Promise<number> {
  return (await countEvaluations(db, runId)).cached;
}
