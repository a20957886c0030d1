// One (arm, seed) run of the DSPy comparison, each on its own model server started empty, so the
// server's counters see only that run. promptevo: a real optimizationRun through Temporal in a new
// PostgreSQL schema (empty response cache). DSPy: a new Python process with an empty cache dir.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseModelServerConfig, repoRoot } from '../../model-server/base/config.js';
import { startModelServer, type ModelServer } from '../../model-server/server/server.js';
import type { ModelStats } from '../../model-server/server/stats.js';
import type { DataSplit } from '../../core/data/split.js';
import { metricFromSpec, scoreMetric } from '../../core/metrics/registry.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import { META_MODEL, type BenchTask } from './tasks.js';

export const ARMS = ['seed', 'promptevo', 'mipro', 'mipro-json', 'gepa', 'bfsrs'] as const;
export type Arm = (typeof ARMS)[number];
export const TITLES: Record<Arm, string> = {
  seed: 'seed program (DSPy Predict, no optimization)',
  promptevo: 'promptevo',
  mipro: 'DSPy MIPROv2',
  'mipro-json': 'DSPy MIPROv2, JSONAdapter + json_schema',
  gepa: 'DSPy GEPA',
  bfsrs: 'DSPy BootstrapFewShotWithRandomSearch',
};

export interface Counts {
  calls: number;
  tokens: number;
  byModel: Record<string, number>;
  metaRequests: number;
  metaWithExamples: number;
}
export const counts = (models: Record<string, ModelStats>): Counts => {
  const all = Object.values(models);
  const sum = (f: (m: ModelStats) => number): number => all.reduce((n, m) => n + (f(m) ?? 0), 0);
  return {
    calls: sum((m) => m.requests),
    tokens: sum((m) => m.totalTokens),
    byModel: Object.fromEntries(Object.entries(models).map(([name, m]) => [name, m.requests])),
    metaRequests: sum((m) => m.metaRequests),
    metaWithExamples: sum((m) => m.metaRequestsWithExamples),
  };
};
export const minus = (a: Counts, b: Counts): Counts => ({
  calls: a.calls - b.calls,
  tokens: a.tokens - b.tokens,
  byModel: Object.fromEntries(Object.entries(a.byModel).map(([k, v]) => [k, v - (b.byModel[k] ?? 0)])),
  metaRequests: a.metaRequests - b.metaRequests,
  metaWithExamples: a.metaWithExamples - b.metaWithExamples,
});

export interface ArmRun {
  arm: Arm;
  seed: number;
  /** Why the run does not count (a failed or timed-out call, a crash); undefined when valid. */
  invalid?: string;
  /** Per test example, in the split's order. */
  scores: number[];
  /** The program's answer to each test example, in the split's order (null: none, or it did not parse). */
  answers?: (Record<string, unknown> | null)[];
  test: number;
  /** promptevo's own seed prompt on the same test split. */
  seedTest?: number;
  search: Counts;
  testCalls: number;
  searchSeconds: number;
  settings: string;
  dspyVersion?: string;
  /** promptevo: its best-so-far by validation after each generation, scored on test, and the paid calls by then. */
  trajectory?: { calls: number; test: number }[];
}

export async function startArmServer(task: BenchTask, apiKey: string): Promise<ModelServer> {
  const models: Record<string, unknown> = {
    [META_MODEL]: { backend: { type: 'simulated', size: 'large' }, latency: { meanMs: 5, jitterMs: 2 } },
  };
  if (task.gguf)
    models[task.taskModel] = {
      backend: { type: 'llama', gguf: task.gguf, parallel: 1, maxQueue: 64, contextSize: 4096 },
    };
  return startModelServer(parseModelServerConfig({ seed: 1, apiKey, models }, 'dspy-compare'), { port: 0 });
}

/** Any answer other than 200 (an error, or 0: no answer sent, e.g. the client timed out) voids the run. */
export function failedCalls(server: ModelServer): string | undefined {
  const failed: string[] = [];
  for (const [model, m] of Object.entries(server.stats.summary().models))
    for (const [status, n] of Object.entries(m.byStatus))
      if (status !== '200')
        failed.push(`${n}× ${status === '0' ? 'no answer (timeout or client gone)' : `HTTP ${status}`} from ${model}`);
  return failed.length > 0 ? `failed calls: ${failed.join(', ')}` : undefined;
}

/** Test predictions scored with the project's own metric code, per example, in the split's order. */
export async function scoreTest(
  spec: TaskSpec,
  split: DataSplit,
  predictions: { id: string; outputs: Record<string, unknown> }[],
): Promise<number[]> {
  const metric = metricFromSpec(spec.metric, spec.signature);
  const byId = new Map(predictions.map((p) => [p.id, p.outputs]));
  const scores: number[] = [];
  for (const example of split.test) {
    const outputs = byId.get(example.id) ?? {};
    const parsed = Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== null && v !== undefined));
    const { score } = await scoreMetric(metric, parsed, example.outputs, {
      signature: spec.signature,
      inputs: example.inputs,
    });
    scores.push(score);
  }
  return scores;
}

interface DspyOutput {
  settings: Record<string, unknown>;
  searchSeconds: number;
  stats: Record<'before' | 'afterSearch' | 'afterTest', Record<string, ModelStats>>;
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

export interface DspyArgs {
  task: BenchTask;
  arm: Exclude<Arm, 'promptevo'>;
  seed: number;
  server: ModelServer;
  splitFile: string;
  split: DataSplit;
  outDir: string;
  threads: string;
  apiKey: string;
}

export async function runDspy(a: DspyArgs): Promise<ArmRun> {
  const { task, arm, seed, server } = a;
  const name = `dspy-${task.label.replace('@', '-')}-${arm}-s${seed}`;
  const out = path.join(a.outDir, `${name}.json`);
  const scratch = mkdtempSync(path.join(tmpdir(), 'dspy-bench-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    // Offline: litellm's bundled cost map, no telemetry, DSPy's cache in an empty scratch dir made
    // for this (arm, seed); any request that is not to the local server goes to a dead proxy.
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
    LITELLM_TELEMETRY: 'False',
    DSPY_CACHEDIR: path.join(scratch, 'cache'),
    HF_HUB_OFFLINE: '1',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    PYTHONUNBUFFERED: '1',
    BENCH_MODEL_KEY: a.apiKey,
  };
  const optimizer = arm === 'seed' ? 'none' : arm === 'mipro-json' ? 'mipro' : arm;
  const args = [
    path.join(repoRoot, 'bench/dspy/run_optimizer.py'),
    ...['--split', a.splitFile, '--optimizer', optimizer, '--server', server.url, '--seed', String(seed)],
    ...[
      '--task-model',
      task.taskModel,
      '--prompt-model',
      META_MODEL,
      '--adapter',
      arm === 'mipro-json' ? 'json' : 'chat',
    ],
    ...['--calls', String(task.calls), '--threads', a.threads, '--out', out],
    ...(task.maxTokens ? ['--task-max-tokens', String(task.maxTokens)] : []),
  ];
  const log = path.join(a.outDir, `${name}.log`);
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
  if (code !== 0) throw new Error(`DSPy exited with ${code}; see ${log}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as DspyOutput;
  const before = counts(result.stats.before);
  const search = minus(counts(result.stats.afterSearch), before);
  const scores = await scoreTest(task.spec, a.split, result.predictions);
  const predicted = new Map(result.predictions.map((p) => [p.id, p.outputs]));
  return {
    arm,
    seed,
    scores,
    answers: a.split.test.map((e) => predicted.get(e.id) ?? null),
    test: scores.reduce((x, y) => x + y, 0) / scores.length,
    search,
    testCalls: counts(result.stats.afterTest).calls - counts(result.stats.afterSearch).calls,
    searchSeconds: result.searchSeconds,
    settings: Object.entries(result.settings)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', '),
    dspyVersion: result.dspyVersion,
  };
}
