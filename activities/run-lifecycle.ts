import { ApplicationFailure } from '@temporalio/activity';
import { describeRowErrors, parseTaskDataset } from '../core/data/task-dataset.js';
import { countRecords } from '../core/data/dataset.js';
import { splitExamples } from '../core/data/split.js';
import { drawSeedDemos, seedDemoProblem } from '../core/data/seed-demos.js';
import type { Spend } from '../core/engine/types.js';
import { genomeHash, normalizeGenome, type Genome } from '../core/genome/genome.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { insertCandidate } from '../storage/candidates.js';
import { countExamples, insertExamples, splitIds, splitOf } from '../storage/examples.js';
import { storeGeneration } from '../storage/generations.js';
import type { RunStore } from '../storage/run-store.js';
import { finishRun, insertRun, markRunEvolving, storeRunFailure, type NewRun } from '../storage/runs.js';
import { readRunSpend, readRunSpendByModel, type ModelSpend } from '../storage/spend.js';
import type { ActivityDeps } from './deps.js';
import { checkModelAccess } from './preflight.js';
import type { TaskPolicy } from '../core/policy/types.js';
import { findPolicyViolations, policyFailure, readDatasetWithinPolicy, rowCapViolation } from './task-policy.js';
import type { GenerationStats, PreparedRun, RunInput, RunStatus, Stage } from '../contracts/index.js';

/** The genome a run starts from, as the task's seedPrompt describes it. */
export function seedGenome(spec: TaskSpec, drawnDemos: string[] = []): Genome {
  const seed = spec.seedPrompt;
  return normalizeGenome({
    sections: {
      task: seed.task,
      rules: seed.rules,
      reasoning: ('reasoning' in seed && seed.reasoning) || 'direct',
      ...('role' in seed && seed.role ? { role: seed.role } : {}),
      ...('uncertainty' in seed && seed.uncertainty ? { uncertainty: seed.uncertainty } : {}),
      ...('outputFormat' in seed && seed.outputFormat ? { outputFormat: seed.outputFormat } : {}),
    },
    demos: ('demos' in seed && seed.demos ? seed.demos : drawnDemos).map((exampleId) => ({
      kind: 'example' as const,
      exampleId,
    })),
  });
}

export function createRunLifecycleActivities({ db }: ActivityDeps, store: RunStore, policy: TaskPolicy) {
  /** A member of the initial population, recorded in generation 0. */
  const insertStarter = async (
    runId: string,
    hash: string,
    genome: Genome,
    operator: 'seed' | 'demo',
    parents: string[],
    note: string,
  ): Promise<void> => {
    await insertCandidate(db, { runId, hash, genome, parents, operator, generation: 0, note, stage: 'evolve' });
  };
  return {
    /** Records the run, loads and validates the dataset, splits it and stores the examples. Idempotent. */
    async prepareRun(input: RunInput): Promise<PreparedRun> {
      const { runId, spec } = input;
      // The cluster's task policy again, before any key is read or file opened: a run started
      // without the client's check (or on a worker with stricter settings) still obeys it.
      const violations = await findPolicyViolations(input, policy);
      if (violations.length > 0) throw policyFailure(input.taskFile, violations);
      await checkModelAccess(spec, policy);
      await insertRun(db, newRun(input));
      if ((await countExamples(db, runId)) === 0) {
        const data = await readDatasetWithinPolicy(input.datasetPath, policy);
        if ('violation' in data) throw policyFailure(input.taskFile, [data.violation]);
        const parsed = parseTaskDataset(data.text, spec, input.datasetPath);
        const tooMany = rowCapViolation(countRecords(data.text, spec.data.format), input.datasetPath, policy);
        if (tooMany) throw policyFailure(input.taskFile, [tooMany]);
        if (parsed.errors.length > 0) {
          throw ApplicationFailure.nonRetryable(
            `dataset has ${parsed.errors.length} bad row(s):\n${describeRowErrors(parsed.errors)}`,
            'BadDataset',
          );
        }
        await insertExamples(db, runId, splitExamples(parsed.rows, spec.data.split));
      }
      const [trainIds, valIds, testIds] = await Promise.all([
        splitIds(db, runId, 'train'),
        splitIds(db, runId, 'val'),
        splitIds(db, runId, 'test'),
      ]);
      if (valIds.length === 0 || testIds.length === 0) {
        throw ApplicationFailure.nonRetryable(
          `run ${runId}: the split left ${valIds.length} validation and ${testIds.length} test examples; add data or change data.split`,
          'BadSplit',
        );
      }
      const splits = await splitOf(db, runId, 'demos' in spec.seedPrompt ? (spec.seedPrompt.demos ?? []) : []);
      const demoProblem = seedDemoProblem(spec, (id) => splits.get(id));
      if (demoProblem) throw ApplicationFailure.nonRetryable(demoProblem, 'SeedDemoOutsideTrain');
      return { trainIds, valIds, testIds, trainCount: trainIds.length };
    },

    /**
     * Stores the seed prompt and, when the seed has no demos and search.labeledDemos allows, its
     * labeled few-shot variants (the seed with labeled train demos, search.labeledDraws distinct
     * draws), which generation 0 screens against the seed. Idempotent. `labeledHash` is the first
     * variant (the only one before labeledDraws).
     */
    async storeSeedCandidate({
      runId,
    }: {
      runId: string;
    }): Promise<{ hash: string; labeledHash?: string; labeledHashes?: string[] }> {
      const spec = await store.spec(runId);
      const count = 'demoCount' in spec.seedPrompt ? spec.seedPrompt.demoCount : undefined;
      const train = async () => [...(await store.examples(runId, await splitIds(db, runId, 'train'))).values()];
      const drawn = count ? drawSeedDemos(await train(), count, spec.search.seed) : [];
      const genome = seedGenome(spec, drawn);
      const hash = genomeHash(genome);
      await insertStarter(runId, hash, genome, 'seed', [], 'seed prompt');
      const labeledCount = Math.min(spec.search.labeledDemos, spec.search.maxDemos);
      if (genome.demos.length > 0 || labeledCount === 0) return { hash };
      const examples = await train();
      const labeledHashes: string[] = [];
      for (let draw = 0; draw < spec.search.labeledDraws; draw++) {
        const ids = drawSeedDemos(examples, labeledCount, spec.search.seed, draw);
        if (ids.length === 0) break;
        const labeled = seedGenome(spec, ids);
        const labeledHash = genomeHash(labeled);
        if (labeledHash === hash || labeledHashes.includes(labeledHash)) continue;
        await insertStarter(
          runId,
          labeledHash,
          labeled,
          'demo',
          [hash],
          `seed prompt with ${ids.length} labeled train demo${ids.length === 1 ? '' : 's'}${draw > 0 ? ` (draw ${draw + 1})` : ''}`,
        );
        labeledHashes.push(labeledHash);
      }
      return labeledHashes.length > 0 ? { hash, labeledHash: labeledHashes[0]!, labeledHashes } : { hash };
    },

    async recordGeneration(input: {
      runId: string;
      generation: number;
      population: string[];
      stats: GenerationStats;
      /** Distillation's rounds are recorded apart from the run's own generations. */
      stage?: Stage;
    }): Promise<{ spend: Spend; spendByModel: Record<string, Spend> }> {
      const { runId, generation, population, stats } = input;
      const stage = input.stage ?? 'evolve';
      await storeGeneration(db, { runId, generation, population, stats, stage });
      if (stage === 'evolve') await markRunEvolving(db, runId);
      const [spend, byModel] = await Promise.all([readRunSpend(db, runId), readRunSpendByModel(db, runId)]);
      return { spend, spendByModel: perModel(byModel) };
    },

    /** Records why a run failed; the row may not exist yet when preparation itself failed. */
    async recordRunFailure(input: RunInput & { error: string }): Promise<void> {
      await storeRunFailure(db, newRun(input), input.error);
    },

    async finalizeRun(input: { runId: string; status: RunStatus; result: unknown }): Promise<void> {
      await finishRun(db, input.runId, input.status, input.result);
    },

    /** What the run has spent, in total and per model (storage/spend.ts). */
    async runSpend({ runId }: { runId: string }): Promise<{ total: Spend; byModel: Record<string, Spend> }> {
      const [total, byModel] = await Promise.all([readRunSpend(db, runId), readRunSpendByModel(db, runId)]);
      return { total, byModel: perModel(byModel) };
    },
  };
}

function newRun(input: RunInput): NewRun {
  return {
    runId: input.runId,
    taskName: input.spec.name,
    taskFile: input.taskFile,
    datasetPath: input.datasetPath,
    spec: input.spec,
    seed: input.spec.search.seed,
  };
}

/** Spend per model as workflows carry it: keyed by model name. */
function perModel(rows: ModelSpend[]): Record<string, Spend> {
  return Object.fromEntries(rows.map(({ model, ...spend }) => [model, spend]));
}
