// Datasets of a chosen size for benchmarks, written by the simulator's own generator
// (infra/model-server/generate-dataset.ts) into bench/out/, and tasks that use them.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Writes (once) `n` rows of a simulator task family and returns the file's absolute path. */
export async function generateDataset(family: string, n: number, seed = 1): Promise<string> {
  const out = `${root}bench/out/${family}-${n}-seed${seed}.jsonl`;
  if (!existsSync(out)) {
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'infra/model-server/generate-dataset.ts',
        '--family',
        family,
        '--n',
        String(n),
        '--seed',
        String(seed),
        '--out',
        out,
      ],
      { cwd: root },
    );
  }
  return out;
}

/**
 * The task file's task on a generated dataset of exactly train + val + test rows, split into
 * those counts (same split seed and stratification as the task file).
 */
export async function taskOnGeneratedData(taskPath: string, family: string, counts: SplitCounts): Promise<LoadedTask> {
  const task = loadTaskFile(taskPath);
  const datasetPath = await generateDataset(family, counts.train + counts.val + counts.test);
  const split = { ...task.spec.data.split, ...counts };
  return {
    ...task,
    datasetPath,
    exampleCount: counts.train + counts.val + counts.test,
    spec: { ...task.spec, data: { ...task.spec.data, split } },
  };
}
