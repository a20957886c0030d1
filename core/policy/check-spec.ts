import { safeRegexProblem } from '../metrics/safe-regex.js';
import type { MetricSpec } from '../task/metric-spec.js';
import type { ModelSpec } from '../task/model-spec.js';
import type { TaskSpec } from '../task/spec-schema.js';
import { urlVariableProblem } from '../task/url-variables.js';
import { describeHostRules, endpointOf, hostAllowed } from './key-hosts.js';
import type { PolicyViolation, TaskPolicy } from './types.js';
import { urlCredentialProblem } from './url-credentials.js';

/**
 * May this endpoint's key be read and sent? The rule that stops a task file from sending, say,
 * DATABASE_URL as a bearer token to a host of its choosing: only variables named with the key
 * prefix are keys, and each goes only to the hosts the operator bound it to.
 */
export function keyViolation(name: string, endpoint: ModelSpec, policy: TaskPolicy): PolicyViolation | undefined {
  const env = endpoint.apiKeyEnv;
  if (env === undefined) return undefined;
  const path = `models.${name}.apiKeyEnv`;
  if (!env.startsWith(policy.keyPrefix)) {
    return {
      rule: 'key-env-name',
      path,
      message:
        `${env} may not be used as an API key: workers only send environment variables named ${policy.keyPrefix}* ` +
        `(PROMPTEVO_KEY_PREFIX). Export the key on the workers as ${policy.keyPrefix}<NAME>, bind it to its host in ` +
        `PROMPTEVO_KEY_HOSTS, and name that variable here`,
    };
  }
  const rules = policy.keyHosts[env] ?? [];
  if (hostAllowed(endpoint.baseUrl, rules)) return undefined;
  const target = endpointOf(endpoint.baseUrl);
  const where = target ? `${target.host}:${target.port}` : endpoint.baseUrl;
  return {
    rule: 'key-host',
    path: `models.${name}.baseUrl`,
    message:
      rules.length === 0
        ? `${env} is bound to no host, so it is sent nowhere (${where} asked for it); an operator binds it on the workers, e.g. PROMPTEVO_KEY_HOSTS="${env}=${target?.host ?? 'api.example.com'}"`
        : `${env} may only be sent to ${describeHostRules(rules)} (PROMPTEVO_KEY_HOSTS), not to ${where}; point baseUrl at a bound host or use a key bound to this one`,
  };
}

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
