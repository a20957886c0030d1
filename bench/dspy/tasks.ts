// The tasks of the DSPy comparison: any examples/<name>/task.yaml whose metric both sides can score
// (exact_match, numeric, token_f1), on the simulator (`name`) or on a real local model
// (`name@gemma`, `name@smollm2`), and the split file both sides read.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadTaskFile, type LoadedTask } from '../../client/task-file.js';
import { parseTaskDataset } from '../../core/data/task-dataset.js';
import { splitExamples, type DataSplit } from '../../core/data/split.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import { repoRoot } from '../../model-server/base/config.js';

export const META_MODEL = 'sim-large';
export const SUPPORTED_METRICS = ['exact_match', 'numeric', 'token_f1'] as const;

/** Real local models a task can run on, with the GGUF each loads (see infra/setup.sh). */
export const REAL_MODELS: Record<string, { model: string; gguf: string }> = {
  gemma: {
    model: 'gemma-3-270m',
    gguf: process.env['PROMPTEVO_GGUF'] || path.join(repoRoot, '.data/models/gemma-3-270m-q4_k_m.gguf'),
  },
  smollm2: {
    model: 'smollm2-135m',
    gguf: process.env['PROMPTEVO_SMOLLM2_GGUF'] || path.join(repoRoot, '.data/models/SmolLM2-135M-Instruct.Q4_1.gguf'),
  },
};

export interface BenchTask {
  label: string;
  loaded: LoadedTask;
  spec: TaskSpec;
  taskModel: string;
  /** Set on real-model tasks: the GGUF the arm's model server loads. */
  gguf?: string;
  /** Call budget of the search, every model's calls counted (the meta model's too). */
  calls: number;
  /** Answer length cap for the task model, the same on both sides (a real model may not stop by itself). */
  maxTokens?: number;
}

export interface TaskOptions {
  calls: number;
  realCalls: number;
  /** "train,val,test" example counts for real-model tasks. */
  realSplit: string;
  realMaxTokens: number;
}

export function benchTask(label: string, options: TaskOptions): BenchTask {
  const [family = '', backend] = label.split('@');
  const taskFile = path.join(repoRoot, 'examples', family, 'task.yaml');
  if (!/^[\w.-]+$/.test(family) || !existsSync(taskFile)) throw new Error(`--tasks: no task file ${taskFile}`);
  const loaded = loadTaskFile(taskFile);
  const kind = loaded.spec.metric.kind;
  if (!(SUPPORTED_METRICS as readonly string[]).includes(kind))
    throw new Error(`--tasks: ${label} has metric ${kind}; the DSPy side mirrors ${SUPPORTED_METRICS.join(', ')}`);
  if (backend === undefined) return { label, loaded, spec: loaded.spec, taskModel: META_MODEL, calls: options.calls };
  const real = REAL_MODELS[backend];
  if (!real) throw new Error(`--tasks: "${label}": known real models are @${Object.keys(REAL_MODELS).join(', @')}`);
  if (!existsSync(real.gguf)) throw new Error(`GGUF not found at ${real.gguf}: run infra/setup.sh`);
  // Real models are slow on a CPU: a fixed number of examples, drawn by the task's own seeded split.
  const sizes = options.realSplit.split(',').map(Number);
  if (sizes.length !== 3 || sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--real-split: want three positive counts "train,val,test", got "${options.realSplit}"`);
  const [train, val, test] = sizes as [number, number, number];
  const split = { ...loaded.spec.data.split, train, val, test };
  const spec = { ...loaded.spec, data: { ...loaded.spec.data, split } };
  return {
    label,
    loaded,
    spec,
    taskModel: real.model,
    gguf: real.gguf,
    calls: options.realCalls,
    maxTokens: options.realMaxTokens,
  };
}

/**
 * Both sides read this split: the same function and seed promptevo's prepareRun uses. It depends on
 * the task alone (its data.split and seed), never on the search seed, so every arm and every seed
 * is scored on the same test examples.
 */
export function exportSplit(task: BenchTask, outDir: string): { file: string; split: DataSplit } {
  const parsed = parseTaskDataset(readFileSync(task.loaded.datasetPath, 'utf8'), task.spec, task.spec.data.path);
  const split = splitExamples(parsed.rows, task.spec.data.split);
  const s = task.spec;
  const explicit = 'field' in s.metric && s.metric.field ? s.metric.field : undefined;
  // exact_match and numeric on the DSPy side compare one field (the first output when none is named);
  // token_f1 without a field averages over every output, as core/metrics does.
  const metric = { ...s.metric, field: explicit ?? Object.keys(s.signature.outputs)[0] };
  if (s.metric.kind === 'token_f1' && !explicit) delete (metric as { field?: string }).field;
  const file = path.join(outDir, `split-${task.label.replace('@', '-')}.json`);
  const task_ = {
    name: s.name,
    instructions: s.seedPrompt.task,
    inputs: s.signature.inputs,
    outputs: s.signature.outputs,
  };
  writeFileSync(file, JSON.stringify({ task: { ...task_, metric }, ...split }, null, 1));
  return { file, split };
}
