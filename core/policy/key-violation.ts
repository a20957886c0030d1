import type { ModelSpec } from '../task/model-spec.js';
import { describeHostRules, endpointOf, hostAllowed } from './key-hosts.js';
import type { PolicyViolation, TaskPolicy } from './types.js';

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
