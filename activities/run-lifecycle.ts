import { ApplicationFailure } from '@temporalio/activity';
import { describeRowErrors, parseTaskDataset } from '../core/data/task-dataset.js';
import { countRecords } from '../core/data/dataset.js';
import { splitExamples } from '../core/data/split.js';
import { drawSeedDemos, seedDemoProblem } from '../core/data/seed-demos.js';
import type { GenerationStats, PreparedRun, RunInput, RunStatus, Spend, Stage } from '../core/engine/types.js';
import { genomeHash, normalizeGenome, type Genome } from '../core/genome/genome.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { ActivityDeps } from './deps.js';
import { checkModelAccess } from './preflight.js';
import type { TaskPolicy } from '../core/policy/types.js';
import { findPolicyViolations, policyFailure, readDatasetWithinPolicy, rowCapViolation } from './task-policy.js';
import type { RunStore, SplitName } from './run-store.js';

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
    await db.query(
      `INSERT INTO candidates (run_id, hash, genome, parent_hashes, operator, generation, note)
       VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (run_id, hash) DO NOTHING`,
      [runId, hash, JSON.stringify(genome), parents, operator, note],
    );
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
      await db.query(
        `INSERT INTO runs (id, task_name, task_file, dataset_path, spec, seed) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO NOTHING`,
        [runId, spec.name, input.taskFile, input.datasetPath, JSON.stringify(spec), spec.search.seed],
      );
      const existing = await db.query<{ n: string }>('SELECT count(*) AS n FROM examples WHERE run_id = $1', [runId]);
      if (Number(existing.rows[0]?.n ?? 0) === 0) {
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
        const split = splitExamples(parsed.rows, spec.data.split);
        const client = await db.connect();
        try {
          await client.query('BEGIN');
          for (const name of ['train', 'val', 'test'] as SplitName[]) {
            const rows = split[name];
            for (let i = 0; i < rows.length; i += 500) {
              const part = rows.slice(i, i + 500);
              await client.query(
                `INSERT INTO examples (run_id, example_id, split, ordinal, inputs, outputs)
                 SELECT $1, x.id, $2, x.ord, x.inputs, x.outputs
                   FROM jsonb_to_recordset($3::jsonb) AS x(id text, ord int, inputs jsonb, outputs jsonb)
                 ON CONFLICT DO NOTHING`,
                [
                  runId,
                  name,
                  JSON.stringify(part.map((e, j) => ({ id: e.id, ord: i + j, inputs: e.inputs, outputs: e.outputs }))),
                ],
              );
            }
          }
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        } finally {
          client.release();
        }
      }
      const [trainIds, valIds, testIds] = await Promise.all([
        store.splitIds(runId, 'train'),
        store.splitIds(runId, 'val'),
        store.splitIds(runId, 'test'),
      ]);
      if (valIds.length === 0 || testIds.length === 0) {
        throw ApplicationFailure.nonRetryable(
          `run ${runId}: the split left ${valIds.length} validation and ${testIds.length} test examples; add data or change data.split`,
          'BadSplit',
        );
      }
      const splits = await store.splitOf(runId, 'demos' in spec.seedPrompt ? (spec.seedPrompt.demos ?? []) : []);
      const demoProblem = seedDemoProblem(spec, (id) => splits.get(id));
      if (demoProblem) throw ApplicationFailure.nonRetryable(demoProblem, 'SeedDemoOutsideTrain');
      return { trainIds, valIds, testIds, trainCount: trainIds.length };
    },

    /**
     * Stores the seed prompt and, when the seed has no demos and search.labeledDemos allows, its
     * labeled few-shot variant (the seed with labeled train demos), the second member of the
     * initial population. Idempotent.
     */
    async storeSeedCandidate({ runId }: { runId: string }): Promise<{ hash: string; labeledHash?: string }> {
      const spec = await store.spec(runId);
      const count = 'demoCount' in spec.seedPrompt ? spec.seedPrompt.demoCount : undefined;
      const train = async () => [...(await store.examples(runId, await store.splitIds(runId, 'train'))).values()];
      const drawn = count ? drawSeedDemos(await train(), count, spec.search.seed) : [];
      const genome = seedGenome(spec, drawn);
      const hash = genomeHash(genome);
      await insertStarter(runId, hash, genome, 'seed', [], 'seed prompt');
      const labeledCount = Math.min(spec.search.labeledDemos, spec.search.maxDemos);
      if (genome.demos.length > 0 || labeledCount === 0) return { hash };
      const labeledIds = drawSeedDemos(await train(), labeledCount, spec.search.seed);
      if (labeledIds.length === 0) return { hash };
      const labeled = seedGenome(spec, labeledIds);
      const labeledHash = genomeHash(labeled);
      await insertStarter(
        runId,
        labeledHash,
        labeled,
        'demo',
        [hash],
        `seed prompt with ${labeledIds.length} labeled train demo${labeledIds.length === 1 ? '' : 's'}`,
      );
      return { hash, labeledHash };
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
      await db.query(
        `INSERT INTO generations (run_id, generation, population, best_hash, best_score, mean_score, stats, stage)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (run_id, stage, generation) DO UPDATE SET population = EXCLUDED.population, best_hash = EXCLUDED.best_hash,
           best_score = EXCLUDED.best_score, mean_score = EXCLUDED.mean_score, stats = EXCLUDED.stats, finished_at = now()`,
        [runId, generation, population, stats.bestHash, stats.bestScore, stats.meanScore, JSON.stringify(stats), stage],
      );
      if (stage === 'evolve') {
        await db.query(`UPDATE runs SET phase = 'evolving', updated_at = now() WHERE id = $1`, [runId]);
      }
      const [spend, spendByModel] = await Promise.all([store.spend(runId), store.spendByModel(runId)]);
      return { spend, spendByModel };
    },

    /** Records why a run failed; the row may not exist yet when preparation itself failed. */
    async recordRunFailure(input: RunInput & { error: string }): Promise<void> {
      await db.query(
        `INSERT INTO runs (id, task_name, task_file, dataset_path, spec, seed, status, phase, result, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'failed', 'done', $7, now())
         ON CONFLICT (id) DO UPDATE SET status = 'failed', phase = 'done', result = EXCLUDED.result,
           updated_at = now(), finished_at = now()`,
        [
          input.runId,
          input.spec.name,
          input.taskFile,
          input.datasetPath,
          JSON.stringify(input.spec),
          input.spec.search.seed,
          JSON.stringify({ error: input.error }),
        ],
      );
    },

    async finalizeRun(input: { runId: string; status: RunStatus; result: unknown }): Promise<void> {
      await db.query(
        `UPDATE runs SET status = $2, phase = 'done', result = $3, updated_at = now(), finished_at = coalesce(finished_at, now())
          WHERE id = $1`,
        [input.runId, input.status, JSON.stringify(input.result)],
      );
    },

    /** What the run has spent, in total and per model, from the call ledger. */
    async runSpend({ runId }: { runId: string }): Promise<{ total: Spend; byModel: Record<string, Spend> }> {
      const [total, byModel] = await Promise.all([store.spend(runId), store.spendByModel(runId)]);
      return { total, byModel };
    },
  };
}
