import { safeRegexProblem } from '../metrics/safe-regex.js';
import type { MetricSpec } from '../task/metric-spec.js';
import type { ModelSpec } from '../task/model-spec.js';
import type { TaskSpec } from '../task/spec-schema.js';
import { urlVariableProblem } from '../task/url-variables.js';
import { keyViolation } from './key-violation.js';
import type { PolicyViolation, TaskPolicy } from './types.js';
import { urlCredentialProblem } from './url-credentials.js';

export { keyViolation } from './key-violation.js';

/**
 * A URL that still holds `${...}`: the submitting client expands URL variables from its own
 * environment; a worker never does, so such an endpoint is refused, not called.
 */
export function urlVariableViolation(name: string, endpoint: ModelSpec): PolicyViolation | undefined {
  const problem = urlVariableProblem(endpoint.baseUrl);
  return problem ? { rule: 'url-variable', path: `models.${name}.baseUrl`, message: problem } : undefined;
}

/** Every leaf metric with its path in the spec (weighted metrics flattened). */
export function leafMetrics(metric: MetricSpec, path = 'metric'): { metric: MetricSpec; path: string }[] {
  if (metric.kind !== 'weighted') return [{ metric, path }];
  return metric.metrics.flatMap((part, i) => leafMetrics(part.metric, `${path}.metrics[${i}].metric`));
}

/** The `module` metrics a spec runs, with where each is named. */
export function moduleMetricsOf(spec: TaskSpec): { file: string; path: string }[] {
  return leafMetrics(spec.metric).flatMap(({ metric, path }) =>
    metric.kind === 'module' ? [{ file: metric.path, path: `${path}.path` }] : [],
  );
}

/**
 * The rules that need nothing but the spec and the policy: URLs with unexpanded variables, keys and
 * their hosts (on the URL as the client expanded it), credentials in URLs, patterns RE2 cannot run. Files (datasets, modules) are checked where they can be read.
 */
export function checkSpecPolicy(spec: TaskSpec, policy: TaskPolicy): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  for (const [name, endpoint] of Object.entries(spec.models)) {
    const unexpanded = urlVariableViolation(name, endpoint);
    if (unexpanded) {
      violations.push(unexpanded);
      continue; // its host is unknown: the key rules cannot be judged
    }
    const inUrl = urlCredentialProblem(endpoint.baseUrl);
    if (inUrl) violations.push({ rule: 'url-credentials', path: `models.${name}.baseUrl`, message: inUrl });
    const key = keyViolation(name, endpoint, policy);
    if (key) violations.push(key);
  }
  for (const { metric, path } of leafMetrics(spec.metric)) {
    if (metric.kind !== 'regex') continue;
    const problem = safeRegexProblem(metric.pattern, metric.flags);
    if (problem) violations.push({ rule: 'regex', path: `${path}.pattern`, message: problem });
  }
  return violations;
}

/** Whether an absolute, symlink-resolved path lies inside one of the (resolved) roots. */
export function insideRoots(realPath: string, realRoots: readonly string[]): boolean {
  return realRoots.some((root) => {
    const base = root.endsWith('/') ? root : `${root}/`;
    return realPath === root || realPath.startsWith(base);
  });
}
