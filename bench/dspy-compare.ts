// Quality against DSPy: on the same task, split, models and call budget, promptevo (a real
// optimizationRun through Temporal) and DSPy's MIPROv2, GEPA and BootstrapFewShotWithRandomSearch.
// Each optimizer gets its own model server (so its counters see only that optimizer) and starts
// from an empty cache. Prints, per optimizer: held-out test score (the task's metric from core/,
// on the same test split), model calls and tokens as counted by the model server, wall time.
// Usage: npm run bench:dspy -- [--tasks ticket-routing,seller-score,ticket-routing@gemma]
//   [--optimizers seed,promptevo,mipro,gepa,bfsrs] [--calls 1200] [--gemma-calls 120] [--gemma-split 12,12,20] [--gemma-max-tokens 32]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities/index.js';
import type { EvaluateInput } from '../activities/evaluate.js';
import { RunStore } from '../activities/run-store.js';
import type { EvaluationResult } from '../core/engine/types.js';
import { PromptevoClient } from '../client/api.js';
import { loadTaskFile, type LoadedTask } from '../client/task-file.js';
import { parseTaskDataset } from '../core/data/task-dataset.js';
import { splitExamples, type DataSplit } from '../core/data/split.js';
import { metricFromSpec, scoreMetric } from '../core/metrics/registry.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { parseModelServerConfig, repoRoot } from '../infra/model-server/config.js';
import { startModelServer, type ModelServer } from '../infra/model-server/server.js';
import type { ModelStats } from '../infra/model-server/stats.js';
import type { Db } from '../platform/db.js';
import { createLogger } from '../platform/logger.js';
import type { ScoredProgram } from '../workflows/run.js';
import { startWorkerProcess } from '../infra/worker-process.js';
import { openBenchStack } from './workers.js';

const OPTIMIZERS = ['seed', 'promptevo', 'mipro', 'gepa', 'bfsrs'] as const;
type Optimizer = (typeof OPTIMIZERS)[number];
const TITLES: Record<Optimizer, string> = {
  seed: 'seed program (DSPy Predict, no optimization)',
  promptevo: 'promptevo',
  mipro: 'DSPy MIPROv2',
  gepa: 'DSPy GEPA',
  bfsrs: 'DSPy BootstrapFewShotWithRandomSearch',
};

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: 'ticket-routing,seller-score,ticket-routing@gemma' },
    optimizers: { type: 'string', default: OPTIMIZERS.join(',') },
    calls: { type: 'string', default: '1200' },
    'gemma-calls': { type: 'string', default: '120' },
    'gemma-split': { type: 'string', default: '12,12,20' },
    'gemma-max-tokens': { type: 'string', default: '32' },
    threads: { type: 'string', default: '8' },
    out: { type: 'string', default: 'bench/out/dspy-compare' },
  },
});
const optimizers = values.optimizers.split(',').map((name) => {
  if (!(OPTIMIZERS as readonly string[]).includes(name))
    throw new Error(`--optimizers: unknown "${name}" (known: ${OPTIMIZERS.join(', ')})`);
  return name as Optimizer;
});
const outDir = path.resolve(values.out);
mkdirSync(outDir, { recursive: true });
const GEMMA = 'gemma-3-270m';
const gguf = process.env['PROMPTEVO_GGUF'] || path.join(repoRoot, '.data/models/gemma-3-270m-q4_k_m.gguf');
// One key for every arm's server, passed to promptevo's workers and to DSPy in BENCH_MODEL_KEY (never on a command line).
const apiKey = `bench-${randomBytes(8).toString('hex')}`;
process.env['BENCH_MODEL_KEY'] = apiKey; // for the test scoring this process runs with promptevo's activity

interface BenchTask {
  label: string;
  loaded: LoadedTask;
  spec: TaskSpec;
  taskModel: string;
  calls: number;
  /** Answer length cap for the task model, the same on both sides (the real model may not stop by itself). */
  maxTokens?: number;
}

function benchTask(label: string): BenchTask {
  const [family, backend] = label.split('@');
  const taskFile = `examples/${family}/task.yaml`;
  if (!existsSync(taskFile)) throw new Error(`--tasks: no task file ${taskFile}`);
  const loaded = loadTaskFile(taskFile);
  if (backend === undefined) return { label, loaded, spec: loaded.spec, taskModel: 'sim-large', calls: +values.calls };
  if (backend !== 'gemma') throw new Error(`--tasks: "${label}": only @gemma is known`);
  if (!existsSync(gguf)) throw new Error(`GGUF not found at ${gguf}: run infra/setup.sh or set PROMPTEVO_GGUF`);
  // The real model is slow (~0.6 requests/s here): a few dozen examples, drawn by the task's own seeded split.
  const [train, val, test] = values['gemma-split'].split(',').map(Number);
  const split = { ...loaded.spec.data.split, train: train!, val: val!, test: test! };
  const spec = { ...loaded.spec, data: { ...loaded.spec.data, split } };
  return {
    label,
    loaded,
    spec,
    taskModel: GEMMA,
    calls: +values['gemma-calls'],
    maxTokens: +values['gemma-max-tokens'],
  };
}

/** Both sides read this split: the same function and seed promptevo's prepareRun uses. */
function exportSplit(task: BenchTask): { file: string; split: DataSplit } {
  const parsed = parseTaskDataset(readFileSync(task.loaded.datasetPath, 'utf8'), task.spec, task.spec.data.path);
  const split = splitExamples(parsed.rows, task.spec.data.split);
  const s = task.spec;
  const outputs = Object.fromEntries(Object.entries(s.signature.outputs).map(([name, type]) => [name, type]));
  const field = 'field' in s.metric && s.metric.field ? s.metric.field : Object.keys(s.signature.outputs)[0];
  if (s.metric.kind !== 'exact_match' && s.metric.kind !== 'numeric')
    throw new Error(`${task.label}: the DSPy side mirrors exact_match and numeric metrics only, not ${s.metric.kind}`);
  const metric = { ...s.metric, field };
  const file = path.join(outDir, `split-${task.label.replace('@', '-')}.json`);
  const instructions = s.seedPrompt.task;
  writeFileSync(
    file,
    JSON.stringify(
      { task: { name: s.name, instructions, inputs: s.signature.inputs, outputs, metric }, ...split },
      null,
      1,
    ),
  );
  return { file, split };
}

async function startArmServer(task: BenchTask): Promise<ModelServer> {
  const models: Record<string, unknown> = {
    'sim-large': { backend: { type: 'simulated', size: 'large' }, latency: { meanMs: 5, jitterMs: 2 } },
  };
  if (task.taskModel === GEMMA)
    models[GEMMA] = { backend: { type: 'llama', gguf, parallel: 1, maxQueue: 64, contextSize: 4096 } };
  return startModelServer(parseModelServerConfig({ seed: 1, apiKey, models }, 'dspy-compare'), { port: 0 });
}

interface Counts {
  calls: number;
  tokens: number;
  byModel: Record<string, number>;
}
const counts = (models: Record<string, ModelStats>): Counts => ({
  calls: Object.values(models).reduce((n, m) => n + m.requests, 0),
  tokens: Object.values(models).reduce((n, m) => n + m.totalTokens, 0),
  byModel: Object.fromEntries(Object.entries(models).map(([name, m]) => [name, m.requests])),
});
const minus = (a: Counts, b: Counts): Counts => ({
  calls: a.calls - b.calls,
  tokens: a.tokens - b.tokens,
  byModel: Object.fromEntries(Object.entries(a.byModel).map(([k, v]) => [k, v - (b.byModel[k] ?? 0)])),
});

interface ArmResult {
  optimizer: Optimizer;
  test: number;
  seedTest?: number;
  search: Counts;
  testCalls: number;
  searchSeconds: number;
  settings: string;
}

async function runPromptevo(task: BenchTask, server: ModelServer, split: DataSplit): Promise<ArmResult> {
  const stack = await openBenchStack('dspy');
  const worker = startWorkerProcess(stack.config, { BENCH_MODEL_KEY: apiKey });
  try {
    await worker.ready;
    const client = new PromptevoClient(stack.client, stack.config);
    const runId = `bench-dspy-${task.label.replace('@', '-')}-${Date.now()}`;
    const endpoint = {
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: 'BENCH_MODEL_KEY',
      maxConcurrency: 8,
      timeoutMs: 300_000,
    };
    const models: TaskSpec['models'] = {
      'sim-large': { ...task.spec.models['sim-large']!, ...endpoint, model: 'sim-large' },
    };
    if (task.taskModel === GEMMA)
      models[GEMMA] = {
        ...models['sim-large']!,
        model: GEMMA,
        ...(task.maxTokens ? { maxTokens: task.maxTokens } : {}),
      };
    const started = performance.now();
    await client.startTask(task.loaded, {
      runId,
      adjust: (spec) => ({
        // The comparison is of search alone: no distillation afterwards.
        ...withoutDistill(task.spec),
        models,
        roles: { meta: 'sim-large', dev: task.taskModel, production: [task.taskModel] },
        // The calls budget is the binding limit (generations set high).
        search: { ...spec.search, generations: 1000, budget: { calls: task.calls } },
      }),
    });
    const result = await client.waitForResult(runId);
    const searchSeconds = (performance.now() - started) / 1000;
    const afterRun = counts(server.stats.summary().models);
    const search = minus(afterRun, await testCallsOfRun(stack.db, runId));

    // The run must have split exactly as the exported file says.
    const store = new RunStore(stack.db);
    for (const name of ['train', 'val', 'test'] as const) {
      const ids = (await store.splitIds(runId, name)).sort().join();
      if (
        ids !==
        split[name]
          .map((e) => e.id)
          .sort()
          .join()
      )
        throw new Error(`promptevo's ${name} split differs from the exported one`);
    }
    // promptevo's calls budget also covers its final test scoring, which a run that spent the budget on
    // search skips (best.test null). Score the seed and the winner on the test split with the run's
    // own evaluateCandidate activity (what the run's finalize step calls), outside the budget.
    const activities = createActivities({
      config: stack.config,
      db: stack.db,
      log: createLogger('warn'),
      workerIdentity: 'bench-dspy-compare',
    });
    const testIds = await store.splitIds(runId, 'test');
    const onTest = async (program: ScoredProgram): Promise<number> => {
      if (program.test !== null) return program.test;
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
      return evaluated.mean;
    };
    const test = await onTest(result.best);
    const seedTest = await onTest(result.baseline);
    return {
      optimizer: 'promptevo',
      test,
      seedTest,
      search,
      testCalls: counts(server.stats.summary().models).calls - search.calls,
      searchSeconds,
      settings: `population ${task.spec.search.populationSize}, generations ${result.generations + 1}, budget.calls ${task.calls}, status ${result.status}`,
    };
  } finally {
    await worker.kill('SIGTERM');
    await stack.close();
  }
}

/** Test-scoring calls the run made itself (when its budget left room for them), from its call ledger. */
async function testCallsOfRun(db: Db, runId: string): Promise<Counts> {
  const { rows } = await db.query<{ model: string; calls: string; tokens: string }>(
    `SELECT model, count(*) AS calls, coalesce(sum(prompt_tokens + completion_tokens), 0) AS tokens
       FROM model_calls WHERE run_id = $1 AND purpose = 'test' AND NOT cached GROUP BY model`,
    [runId],
  );
  return {
    calls: rows.reduce((n, r) => n + Number(r.calls), 0),
    tokens: rows.reduce((n, r) => n + Number(r.tokens), 0),
    byModel: Object.fromEntries(rows.map((r) => [r.model, Number(r.calls)])),
  };
}

interface DspyOutput {
  settings: Record<string, unknown>;
  searchSeconds: number;
  stats: {
    before: Record<string, ModelStats>;
    afterSearch: Record<string, ModelStats>;
    afterTest: Record<string, ModelStats>;
  };
  predictions: { id: string; outputs: Record<string, unknown> }[];
  dspyVersion: string;
}

let python: string | undefined;
function venvPython(): string {
  if (python) return python;
  const setup = spawnSync('bash', ['bench/dspy/setup.sh'], { cwd: repoRoot, stdio: 'inherit' });
  if (setup.status !== 0) throw new Error('bench/dspy/setup.sh failed: the DSPy virtualenv could not be set up');
  python = path.join(repoRoot, '.bench-venv/bin/python');
  return python;
}

async function runDspy(
  task: BenchTask,
  optimizer: Exclude<Optimizer, 'promptevo'>,
  server: ModelServer,
  splitFile: string,
  split: DataSplit,
): Promise<ArmResult & { dspyVersion: string }> {
  const out = path.join(outDir, `dspy-${task.label.replace('@', '-')}-${optimizer}.json`);
  const scratch = mkdtempSync(path.join(tmpdir(), 'dspy-bench-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    // Offline: litellm's bundled cost map, no telemetry, DSPy's cache in an empty scratch dir (and
    // off on disk); any request that is not to the local server goes to a dead proxy and fails.
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
    LITELLM_TELEMETRY: 'False',
    DSPY_CACHEDIR: path.join(scratch, 'cache'),
    HF_HUB_OFFLINE: '1',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    PYTHONUNBUFFERED: '1',
    BENCH_MODEL_KEY: apiKey,
  };
  const args = [
    path.join(repoRoot, 'bench/dspy/run_optimizer.py'),
    ...['--split', splitFile, '--optimizer', optimizer === 'seed' ? 'none' : optimizer, '--server', server.url],
    ...['--task-model', task.taskModel, '--prompt-model', 'sim-large'],
    ...['--calls', String(task.calls), '--threads', values.threads, '--out', out],
    ...(task.maxTokens ? ['--task-max-tokens', String(task.maxTokens)] : []),
  ];
  const log = path.join(outDir, `dspy-${task.label.replace('@', '-')}-${optimizer}.log`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(venvPython(), args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    child.on('exit', (status) => {
      writeFileSync(log, text);
      resolve(status);
    });
  });
  rmSync(scratch, { recursive: true, force: true });
  if (code !== 0) throw new Error(`DSPy ${optimizer} on ${task.label} exited with ${code}; see ${log}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as DspyOutput;
  const before = counts(result.stats.before);
  const search = minus(counts(result.stats.afterSearch), before);
  const testCalls = counts(result.stats.afterTest).calls - counts(result.stats.afterSearch).calls;
  return {
    optimizer,
    test: await scoreTest(task.spec, split, result.predictions),
    search,
    testCalls,
    searchSeconds: result.searchSeconds,
    settings: Object.entries(result.settings)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', '),
    dspyVersion: result.dspyVersion,
  };
}

/** DSPy's test predictions scored with the project's own metric code, as promptevo's are. */
async function scoreTest(
  spec: TaskSpec,
  split: DataSplit,
  predictions: { id: string; outputs: Record<string, unknown> }[],
): Promise<number> {
  const metric = metricFromSpec(spec.metric, spec.signature);
  const byId = new Map(predictions.map((p) => [p.id, p.outputs]));
  let total = 0;
  for (const example of split.test) {
    const outputs = byId.get(example.id) ?? {};
    const parsed = Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== null && v !== undefined));
    const { score } = await scoreMetric(metric, parsed, example.outputs, {
      signature: spec.signature,
      inputs: example.inputs,
    });
    total += score;
  }
  return total / split.test.length;
}

const fmt = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

let dspyVersion = '';
const report: string[] = [];
report.push(
  `dspy-compare (${new Date().toISOString()}), calls target ${values.calls} (gemma ${values['gemma-calls']})`,
);
console.log(report[0]);
for (const label of values.tasks.split(',')) {
  const task = benchTask(label);
  const { file, split } = exportSplit(task);
  const rows: ArmResult[] = [];
  for (const optimizer of optimizers) {
    const server = await startArmServer(task);
    try {
      console.error(`[${task.label}] ${optimizer} ...`);
      const row =
        optimizer === 'promptevo'
          ? await runPromptevo(task, server, split)
          : await runDspy(task, optimizer, server, file, split);
      if ('dspyVersion' in row) dspyVersion = String(row.dspyVersion);
      rows.push(row);
      console.error(`[${task.label}] ${optimizer}: test ${fmt(row.test)}, search calls ${row.search.calls}`);
    } finally {
      await server.close();
    }
  }
  const byModel = (c: Counts) =>
    Object.entries(c.byModel)
      .filter(([, n]) => n > 0)
      .map(([m, n]) => `${m} ${n}`)
      .join(' + ');
  const table = [
    '',
    `task ${task.label}: task model ${task.taskModel}, proposer sim-large; split train ${split.train.length} / val ${split.val.length} / test ${split.test.length}; metric ${task.spec.metric.kind}`,
    '',
    '| optimizer | test score | search calls (by model) | search tokens | test calls | search wall s | settings |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${TITLES[r.optimizer]} | ${fmt(r.test)}${r.seedTest !== undefined ? ` (seed ${fmt(r.seedTest)})` : ''} | ${r.search.calls}${r.search.calls > 0 ? ` (${byModel(r.search)})` : ''} | ${r.search.tokens} | ${r.testCalls} | ${fmt(r.searchSeconds, 1)} | ${r.settings || '—'} |`,
    ),
  ];
  console.log(table.join('\n')); // each task's table as soon as it is measured
  report.push(...table);
}
report.push('', `DSPy ${dspyVersion || '(not run)'}`);
console.log(report.at(-1));
writeFileSync(path.join(outDir, 'report.md'), `${report.join('\n')}\n`);

function withoutDistill(spec: TaskSpec): TaskSpec {
  const { distill: _distill, ...rest } = spec;
  return rest;
}
