// promptevo's arm: a real optimizationRun through Temporal (a real worker process, a new PostgreSQL
// schema, so an empty response cache) with search.seed = the run's seed and a calls budget that
// covers every model call of the search, the meta model's included.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities/index.js';
import { PromptevoClient } from '../../client/api.js';
import type { DataSplit } from '../../core/data/split.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import type { ModelServer } from '../../model-server/server/server.js';
import { startWorkerProcess, openBenchStack } from '../../infra/harness.js';
import type { Db } from '../../platform/db.js';
import { createLogger } from '../../platform/logger.js';
import { answersOnSplit } from '../../storage/evaluations.js';
import { splitIds } from '../../storage/examples.js';
import { paidCallsForPurpose } from '../../storage/ledger.js';
import { counts, minus, type ArmRun, type Counts } from './arms.js';
import { META_MODEL, type BenchTask } from './tasks.js';
import type { EvaluateInput, EvaluationResult, ScoredProgram } from '../../contracts/index.js';

export async function runPromptevo(
  task: BenchTask,
  seed: number,
  server: ModelServer,
  split: DataSplit,
  apiKey: string,
  searchOverrides: Record<string, unknown> = {},
  seedDemos = 0,
  /** structuredOutput false: the task model answers in free text (the meta model keeps its schema). */
  options: { structuredOutput: boolean } = { structuredOutput: true },
): Promise<ArmRun> {
  const stack = await openBenchStack('dspy');
  // The key may go to this arm's model server only (the cluster's task policy).
  const config = { ...stack.config, PROMPTEVO_KEY_HOSTS: `PROMPTEVO_KEY_BENCH=${new URL(server.url).host}` };
  const worker = startWorkerProcess(config, { PROMPTEVO_KEY_BENCH: apiKey });
  try {
    await worker.ready;
    const client = new PromptevoClient(stack.client, stack.config);
    const runId = `bench-dspy-${task.label.replace('@', '-')}-s${seed}-${Date.now()}`;
    const endpoint = (model: string, maxConcurrency: number) => ({
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: 'PROMPTEVO_KEY_BENCH',
      model,
      maxConcurrency,
      timeoutMs: 300_000,
      maxRetries: 5,
      pricing: { inputPerMTok: 0, outputPerMTok: 0 },
      structuredOutput: true,
      temperature: 0,
    });
    const models: TaskSpec['models'] = { [META_MODEL]: endpoint(META_MODEL, 8) };
    if (task.taskModel !== META_MODEL)
      models[task.taskModel] = {
        ...endpoint(task.taskModel, 2),
        structuredOutput: options.structuredOutput,
        ...(task.maxTokens ? { maxTokens: task.maxTokens } : {}),
      };
    const started = performance.now();
    await client.startTask(task.loaded, {
      runId,
      adjust: (spec) => ({
        // The comparison is of search alone: no distillation afterwards.
        ...withoutDistill(task.spec),
        // Optionally the search starts from the seed prompt with labeled train demos (seedPrompt.demoCount).
        ...(seedDemos > 0 ? { seedPrompt: { ...task.spec.seedPrompt, demoCount: seedDemos } } : {}),
        models,
        roles: { meta: META_MODEL, dev: task.taskModel, production: [task.taskModel] },
        // The calls budget (every model's calls) is the binding limit (generations set high); the
        // run reserves 2 × test for scoring the seed and the best, so the search gets task.calls.
        search: {
          ...spec.search,
          ...searchOverrides,
          seed,
          generations: 1000,
          budget: { calls: task.calls + 2 * split.test.length },
        },
      }),
    });
    const result = await client.waitForResult(runId);
    const searchSeconds = (performance.now() - started) / 1000;
    const search = minus(counts(server.stats.summary().models), await testCallsOfRun(stack.db, runId));

    // The run must have split exactly as the exported file says.
    for (const name of ['train', 'val', 'test'] as const) {
      const ids = (await splitIds(stack.db, runId, name)).sort().join();
      const want = split[name]
        .map((e) => e.id)
        .sort()
        .join();
      if (ids !== want) throw new Error(`promptevo's ${name} split differs from the exported one`);
    }
    // Per-example test scores of the winner and the seed, with the run's own evaluateCandidate
    // activity (what its finalize step calls): answered from the run's cache where it already
    // scored them, outside the budget where the search spent it first.
    const activities = createActivities({
      config,
      db: stack.db,
      log: createLogger('warn'),
      workerIdentity: 'bench-dspy-compare',
    });
    const testIds = await splitIds(stack.db, runId, 'test');
    const onTest = async (program: ScoredProgram): Promise<number[]> => {
      const input: EvaluateInput = {
        runId,
        generation: result.generations,
        hash: program.hash,
        role: 'dev',
        exampleIds: testIds,
        purpose: 'test',
      };
      const evaluated = await new MockActivityEnvironment().run<
        [EvaluateInput],
        EvaluationResult,
        typeof activities.evaluateCandidate
      >(activities.evaluateCandidate, input);
      const byId = new Map(testIds.map((id, i) => [id, evaluated.scores[i] ?? 0]));
      return split.test.map((e) => byId.get(e.id) ?? 0);
    };
    const scores = await onTest(result.best);
    const given = new Map(
      (await answersOnSplit(stack.db, runId, result.best.hash, task.taskModel, 'test')).map((a) => [
        a.exampleId,
        a.given,
      ]),
    );
    const seedScores = await onTest(result.baseline);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const testCalls = counts(server.stats.summary().models).calls - search.calls;
    // The best-so-far after each generation on test (outside the budget), for calls-to-reach.
    const trajectory: { calls: number; test: number }[] = [];
    // Only on the simulator: on a real model scoring every generation's best on test costs too much.
    for (const g of task.gguf ? [] : result.history) {
      const test = mean(await onTest({ hash: g.bestHash, operator: '', val: g.bestScore, test: null }));
      trajectory.push({ calls: g.spend.calls, test });
    }
    return {
      arm: 'promptevo',
      seed,
      scores,
      answers: split.test.map((e) => given.get(e.id) ?? null),
      test: mean(scores),
      seedTest: mean(seedScores),
      search,
      testCalls,
      trajectory,
      searchSeconds,
      settings: `population ${task.spec.search.populationSize}, ${JSON.stringify(searchOverrides)}, seed demos ${seedDemos}, ${options.structuredOutput ? 'json_schema' : 'free text'}, generations ${result.generations + 1}, budget.calls ${task.calls} + ${2 * split.test.length} reserved for test, search.seed ${seed}, status ${result.status}`,
    };
  } finally {
    await worker.kill('SIGTERM');
    await stack.close();
  }
}

/** Test-scoring calls the run made itself (when its budget left room for them), from its call ledger. */
async function testCallsOfRun(db: Db, runId: string): Promise<Counts> {
  const rows = await paidCallsForPurpose(db, runId, 'test');
  return {
    calls: rows.reduce((n, r) => n + r.calls, 0),
    tokens: rows.reduce((n, r) => n + r.tokens, 0),
    byModel: Object.fromEntries(rows.map((r) => [r.model, r.calls])),
    metaRequests: 0,
    metaWithExamples: 0,
  };
}

function withoutDistill(spec: TaskSpec): TaskSpec {
  const { distill: _distill, ...rest } = spec;
  return rest;
}
