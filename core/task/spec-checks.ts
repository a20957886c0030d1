import { safeRegexProblem } from '../metrics/safe-regex.js';
import { urlCredentialProblem } from '../policy/url-credentials.js';
import type { MetricSpec } from './metric-spec.js';
import { looksLikeLiteralKey } from './model-spec.js';
import type { SpecProblem } from './spec-errors.js';
import { formatPath } from './spec-errors.js';
import type { TaskSpec } from './spec-schema.js';
import { closestName } from '../text.js';

/** Refuses any string that looks like a secret or a URL carrying one, wherever it is; keys belong in env vars. */
export function findLiteralKeys(data: unknown, path: PropertyKey[] = []): SpecProblem[] {
  if (typeof data === 'string') {
    const inUrl = urlCredentialProblem(data);
    if (inUrl) return [{ path: formatPath(path), message: inUrl }];
    return looksLikeLiteralKey(data)
      ? [
          {
            path: formatPath(path),
            message:
              'looks like a literal API key; never put keys in a task file. Export it as an environment variable and name that variable in models.<name>.apiKeyEnv',
          },
        ]
      : [];
  }
  if (data && typeof data === 'object') {
    return Object.entries(data).flatMap(([key, value]) => {
      const here = [...path, Array.isArray(data) ? Number(key) : key];
      if (key === 'apiKey' && path[0] === 'models') {
        return [
          {
            path: formatPath(here),
            message: 'API keys are not accepted in a task file; use apiKeyEnv: NAME_OF_ENV_VAR',
          },
        ];
      }
      return findLiteralKeys(value, here);
    });
  }
  return [];
}

/**
 * Role → model references, checked on the raw data so they are reported alongside
 * schema problems instead of only after those are fixed.
 */
export function checkRoles(data: unknown): SpecProblem[] {
  const record = (value: unknown): Record<string, unknown> =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const root = record(data);
  const modelNames = Object.keys(record(root.models));
  const problems: SpecProblem[] = [];
  for (const [role, value] of Object.entries(record(root.roles))) {
    const names = Array.isArray(value) ? value : [value];
    names.forEach((name, i) => {
      if (typeof name !== 'string' || modelNames.includes(name)) return;
      const guess = closestName(name, modelNames);
      problems.push({
        path: Array.isArray(value) ? `roles.${role}[${i}]` : `roles.${role}`,
        message: `unknown model "${name}"; models defined: ${modelNames.join(', ') || '(none)'}${guess ? ` — did you mean "${guess}"?` : ''}`,
      });
    });
  }
  return problems;
}

/** Cross-references zod cannot see: role → model names, metric fields → signature outputs. */
export function crossCheck(spec: TaskSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const modelNames = Object.keys(spec.models);
  const checkModel = (path: string, name: string | undefined): void => {
    if (name === undefined || name in spec.models) return;
    const guess = closestName(name, modelNames);
    problems.push({
      path,
      message: `unknown model "${name}"; models defined: ${modelNames.join(', ') || '(none)'}${guess ? ` — did you mean "${guess}"?` : ''}`,
    });
  };
  if ('demoCount' in spec.seedPrompt && spec.seedPrompt.demoCount !== undefined && spec.seedPrompt.demos?.length) {
    problems.push({
      path: 'seedPrompt.demoCount',
      message: 'give either seedPrompt.demos (example ids) or seedPrompt.demoCount (drawn from train), not both',
    });
  }
  if (spec.distill) {
    checkModel('distill.teacher', spec.distill.teacher);
    checkModel('distill.student', spec.distill.student);
    if (!(spec.distill.teacher ?? spec.roles.teacher))
      problems.push({ path: 'distill.teacher', message: 'required (or set roles.teacher)' });
    if (!(spec.distill.student ?? spec.roles.student))
      problems.push({ path: 'distill.student', message: 'required (or set roles.student)' });
  }
  problems.push(...checkMetric(spec.metric, 'metric', spec, checkModel));
  for (const [source, target] of Object.entries(spec.data.mapping)) {
    if (!(target in spec.signature.inputs) && !(target in spec.signature.outputs) && target !== spec.data.idField) {
      problems.push({ path: `data.mapping.${source}`, message: `maps to "${target}", which is not a signature field` });
    }
  }
  return problems;
}

function checkMetric(
  metric: MetricSpec,
  path: string,
  spec: TaskSpec,
  checkModel: (path: string, name: string | undefined) => void,
): SpecProblem[] {
  const outputs = Object.keys(spec.signature.outputs);
  if (metric.kind === 'weighted')
    return metric.metrics.flatMap((m, i) => checkMetric(m.metric, `${path}.metrics[${i}].metric`, spec, checkModel));
  if (metric.kind === 'llm_judge') {
    checkModel(`${path}.model`, metric.model);
    return [];
  }
  const problems: SpecProblem[] = [];
  if (metric.kind === 'regex') {
    const problem = safeRegexProblem(metric.pattern, metric.flags);
    if (problem) problems.push({ path: `${path}.pattern`, message: problem });
  }
  if ('field' in metric && metric.field !== undefined && !outputs.includes(metric.field)) {
    const guess = closestName(metric.field, outputs);
    problems.push({
      path: `${path}.field`,
      message: `"${metric.field}" is not an output field (outputs: ${outputs.join(', ')})${guess ? ` — did you mean "${guess}"?` : ''}`,
    });
  }
  if (metric.kind === 'numeric') {
    const numericOutputs = outputs.filter((name) => spec.signature.outputs[name]?.type === 'number');
    const field = metric.field ?? (numericOutputs.length === 1 ? numericOutputs[0] : undefined);
    if (field === undefined)
      problems.push({
        path: `${path}.field`,
        message: `name the numeric output to compare (numeric outputs: ${numericOutputs.join(', ') || 'none'})`,
      });
  }
  return problems;
}
