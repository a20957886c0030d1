import { open, realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { countRecords } from '../core/data/dataset.js';
import {
  checkSpecPolicy,
  insideRoots,
  keyViolation,
  moduleMetricsOf,
  urlVariableViolation,
} from '../core/policy/check-spec.js';
import { describeViolations, type PolicyViolation, type TaskPolicy } from '../core/policy/types.js';
import type { ModelSpec } from '../core/task/model-spec.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { registerSecret } from '../platform/redact.js';

/**
 * The worker side of the task policy: the rules that need the worker's files and settings, and
 * the guards that apply them again where a key is read, a dataset loaded or a module run — so a
 * workflow started without the client's check still cannot break them.
 */
export interface TaskPolicyInput {
  spec: TaskSpec;
  /** Absolute, as the client resolved it. */
  datasetPath: string;
  taskFile: string;
}

const size = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${bytes} bytes` : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
const rootsText = (roots: readonly string[]): string => (roots.length ? roots.join(', ') : '(none)');

/** Resolves `path` through symlinks and says whether it lies inside the roots; never reads it. */
async function confined(
  path: string,
  roots: readonly string[],
): Promise<{ realPath: string; inside: boolean } | { missing: string }> {
  try {
    const realPath = await realpath(path);
    return { realPath, inside: insideRoots(realPath, roots) };
  } catch (err) {
    return { missing: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
}

/**
 * Reads a dataset only when it lies inside the data roots and is within the size cap. The size
 * is taken from the opened file, so what is read is what was measured.
 */
export async function readDatasetWithinPolicy(
  datasetPath: string,
  policy: TaskPolicy,
): Promise<{ text: string } | { violation: PolicyViolation }> {
  const where = await confined(datasetPath, policy.dataRoots);
  if ('missing' in where) return missingDataset(datasetPath, where.missing);
  if (!where.inside) {
    return {
      violation: {
        rule: 'data-root',
        path: 'data.path',
        message:
          `${datasetPath}${where.realPath !== datasetPath ? ` (really ${where.realPath})` : ''} is outside the directories ` +
          `datasets may be read from (${rootsText(policy.dataRoots)}; PROMPTEVO_DATA_ROOTS on the workers); move the dataset there`,
      },
    };
  }
  const handle = await open(where.realPath, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return missingDataset(datasetPath, 'not a file');
    const bytes = stat.size;
    if (bytes > policy.maxDatasetBytes) {
      return {
        violation: {
          rule: 'data-size',
          path: 'data.path',
          message: `${datasetPath} is ${size(bytes)}, over the cap of ${size(policy.maxDatasetBytes)} (PROMPTEVO_MAX_DATASET_BYTES); use a smaller sample or ask the operator to raise the cap`,
        },
      };
    }
    return { text: await handle.readFile('utf8') };
  } finally {
    await handle.close();
  }
}

function missingDataset(datasetPath: string, code: string): { violation: PolicyViolation } {
  return {
    violation: {
      rule: 'data-root',
      path: 'data.path',
      message: `${datasetPath} cannot be read on the worker (${code}); workers need the dataset at the same path, inside PROMPTEVO_DATA_ROOTS`,
    },
  };
}

export function rowCapViolation(rows: number, datasetPath: string, policy: TaskPolicy): PolicyViolation | undefined {
  if (rows <= policy.maxDatasetRows) return undefined;
  return {
    rule: 'data-rows',
    path: 'data.path',
    message: `${datasetPath} has ${rows} rows, over the cap of ${policy.maxDatasetRows} (PROMPTEVO_MAX_DATASET_ROWS); use a smaller sample or ask the operator to raise the cap`,
  };
}

/** The absolute path of a module metric, or why it may not run. */
export async function moduleWithinPolicy(
  file: string,
  taskFile: string,
  path: string,
  policy: TaskPolicy,
): Promise<{ realPath: string } | { violation: PolicyViolation }> {
  const absolute = resolve(dirname(taskFile), file);
  const where = await confined(absolute, policy.moduleRoots);
  if ('missing' in where) {
    return {
      violation: {
        rule: 'module-root',
        path,
        message: `${absolute} cannot be read on the worker (${where.missing}); workers need the module at the same path`,
      },
    };
  }
  if (where.inside) return { realPath: where.realPath };
  return {
    violation: {
      rule: 'module-root',
      path,
      message:
        policy.moduleRoots.length === 0
          ? `module metrics are off on this cluster: a module runs as code on the workers, so only an operator can allow it, by listing its directory in PROMPTEVO_MODULE_ROOTS`
          : `${absolute} is outside the directories module metrics may be loaded from (${rootsText(policy.moduleRoots)}; PROMPTEVO_MODULE_ROOTS); ask the operator to install it there`,
    },
  };
}

/** Every violation of the task policy: the spec's own rules, then its dataset and modules on this worker. */
export async function findPolicyViolations(input: TaskPolicyInput, policy: TaskPolicy): Promise<PolicyViolation[]> {
  const violations = checkSpecPolicy(input.spec, policy);
  const data = await readDatasetWithinPolicy(input.datasetPath, policy);
  if ('violation' in data) violations.push(data.violation);
  else {
    const rows = rowCapViolation(countRecords(data.text, input.spec.data.format), input.datasetPath, policy);
    if (rows) violations.push(rows);
  }
  for (const module of moduleMetricsOf(input.spec)) {
    const checked = await moduleWithinPolicy(module.file, input.taskFile, module.path, policy);
    if ('violation' in checked) violations.push(checked.violation);
  }
  return violations;
}

/** Non-retryable: the same messages the client's check prints, for a run that got past it. */
export function policyFailure(taskFile: string, violations: readonly PolicyViolation[]): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    describeViolations(taskFile, violations, 'the worker stopped before sending or reading anything'),
    'PolicyViolation',
  );
}

/**
 * The API key of an endpoint, read only when the policy lets it go to that endpoint's host. Every
 * client the gateway and the preflight build asks here first, so it also refuses a URL that still
 * holds `${...}` (workers never expand variables), key or not.
 */
export function apiKeyFor(
  modelName: string,
  endpoint: ModelSpec,
  policy: TaskPolicy,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const violation = urlVariableViolation(modelName, endpoint) ?? keyViolation(modelName, endpoint, policy);
  if (violation) throw policyFailure(`model "${modelName}"`, [violation]);
  if (!endpoint.apiKeyEnv) return 'not-needed';
  const key = env[endpoint.apiKeyEnv];
  if (!key) {
    throw ApplicationFailure.nonRetryable(
      `model "${modelName}" (${endpoint.model} at ${endpoint.baseUrl}): environment variable ${endpoint.apiKeyEnv} is not set on the worker; set it where the workers run`,
      'MissingApiKey',
    );
  }
  registerSecret(key); // masked in every log line from now on, whatever its shape
  return key;
}
