// Datasets of a chosen size for benchmarks, written by the simulator's own generator
// (model-server/generate-dataset.ts) into bench/out/, and tasks that use them.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadTaskFile, type LoadedTask } from '../client/task-file.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

export interface SplitCounts {
  train: number;
  val: number;
  test: number;
}

async function generate(family: string, n: number, seed: number): Promise<string> {
  const out = `${root}bench/out/${family}-${n}-seed${seed}.jsonl`;
  if (!existsSync(out)) {
    const args = ['--family', family, '--n', String(n), '--seed', String(seed), '--out', out];
    await run(process.execPath, ['--import', 'tsx', 'model-server/generate-dataset.ts', ...args], { cwd: root });
  }
  return out;
}

/**
 * `n` rows of a simulator task family whose `inputFields` are all different, so no two examples
 * make the same model request (the generator repeats itself now and then; repeats would be cache
 * hits and blur what a benchmark measures). Written once; returns the file's absolute path.
 */
export async function generateDistinctDataset(family: string, n: number, inputFields: string[]): Promise<string> {
  const out = `${root}bench/out/${family}-${n}-distinct.jsonl`;
  if (existsSync(out)) return out;
  const raw = await generate(family, Math.ceil(n * 1.5) + 20, 1);
  const seen = new Set<string>();
  const rows: string[] = [];
  for (const line of readFileSync(raw, 'utf8').split('\n')) {
    if (!line.trim() || rows.length >= n) continue;
    const row = JSON.parse(line) as Record<string, unknown>;
    const key = JSON.stringify(inputFields.map((f) => row[f]));
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(line);
  }
  if (rows.length < n) throw new Error(`the ${family} generator gave only ${rows.length} distinct rows, ${n} needed`);
  writeFileSync(out, rows.join('\n') + '\n');
  return out;
}

/**
 * The task file's task on a generated dataset of exactly train + val + test distinct rows, split
 * into those counts (same split seed and stratification as the task file).
 */
export async function taskOnGeneratedData(taskPath: string, family: string, counts: SplitCounts): Promise<LoadedTask> {
  const task = loadTaskFile(taskPath);
  const n = counts.train + counts.val + counts.test;
  const datasetPath = await generateDistinctDataset(family, n, Object.keys(task.spec.signature.inputs));
  const split = { ...task.spec.data.split, ...counts };
  return { ...task, datasetPath, exampleCount: n, spec: { ...task.spec, data: { ...task.spec.data, split } } };
}
