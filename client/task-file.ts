import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { seedDemoProblem, type SplitName } from '../core/data/seed-demos.js';
import { splitExamples } from '../core/data/split.js';
import { describeRowErrors, parseTaskDataset } from '../core/data/task-dataset.js';
import { parseTaskSpec } from '../core/task/spec.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { UrlVariableEnv } from '../core/task/url-variables.js';
import { CliError, EXIT } from './errors.js';

export interface LoadedTask {
  spec: TaskSpec;
  taskFile: string;
  datasetPath: string;
  exampleCount: number;
}

/**
 * Reads and validates a task file and its dataset on the client, so a typo or a bad row is
 * reported before anything starts (workers validate again when they load the data).
 * `${NAME}` and `${NAME:-default}` in URL fields (`models.<name>.baseUrl`) are expanded here, from
 * `env` (the submitter's environment), before validation: the spec sent to Temporal and checked by
 * the workers' task policy holds the expanded URL. Workers never expand anything.
 */
export function loadTaskFile(path: string, env: UrlVariableEnv = process.env): LoadedTask {
  const taskFile = resolve(path);
  let text: string;
  try {
    text = readFileSync(taskFile, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read task file ${taskFile}: ${(err as Error).message}`, EXIT.usage);
  }
  let spec: TaskSpec;
  try {
    spec = parseTaskSpec(text, path, { env });
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
  const datasetPath = resolve(dirname(taskFile), spec.data.path);
  let data: string;
  try {
    data = readFileSync(datasetPath, 'utf8');
  } catch (err) {
    throw new CliError(`${path}: data.path: cannot read ${datasetPath} (${(err as Error).message})`, EXIT.usage);
  }
  const parsed = parseTaskDataset(data, spec, spec.data.path);
  if (parsed.errors.length > 0) {
    throw new CliError(
      `dataset ${datasetPath} has ${parsed.errors.length} bad row(s); fix them and run again:\n${describeRowErrors(parsed.errors)}`,
      EXIT.usage,
    );
  }
  const split = splitExamples(parsed.rows, spec.data.split);
  const splitOf = new Map<string, SplitName>();
  for (const name of ['train', 'val', 'test'] as const) for (const e of split[name]) splitOf.set(e.id, name);
  const demoProblem = seedDemoProblem(spec, (id) => splitOf.get(id));
  if (demoProblem) throw new CliError(`${path}: ${demoProblem}`, EXIT.usage);
  return { spec, taskFile, datasetPath, exampleCount: parsed.rows.length };
}
