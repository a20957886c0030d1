import { ApplicationFailure } from '@temporalio/activity';
import OpenAI, { APIError } from 'openai';
import type { TaskPolicy } from '../core/policy/types.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { apiKeyFor } from './task-policy.js';

/**
 * Before a run spends anything: every model it uses must have its API key set on this worker and
 * be accepted by its endpoint. One cheap `GET /models` per endpoint turns a wrong key into one
 * clear failure instead of a burst of rejected completions.
 */
export async function checkModelAccess(
  spec: TaskSpec,
  policy: TaskPolicy,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const used = new Set([spec.roles.meta, spec.roles.dev, ...spec.roles.production]);
  if (spec.roles.teacher) used.add(spec.roles.teacher);
  if (spec.roles.student) used.add(spec.roles.student);
  for (const name of used) {
    const endpoint = spec.models[name];
    if (!endpoint) continue;
    const where = `model "${name}" (${endpoint.model} at ${endpoint.baseUrl})`;
    // The task policy first: a key goes only to the hosts it is bound to, /models included.
    const apiKey = apiKeyFor(name, endpoint, policy, env);
    const client = new OpenAI({ apiKey, baseURL: endpoint.baseUrl, timeout: endpoint.timeoutMs, maxRetries: 2 });
    try {
      await client.models.list();
    } catch (err) {
      // Some OpenAI-compatible servers have no /models route; only a refused key is fatal here.
      if (err instanceof APIError && (err.status === 401 || err.status === 403)) {
        throw ApplicationFailure.nonRetryable(
          `${where} refused the API key from ${endpoint.apiKeyEnv ?? '(none)'} with ${err.status as number}: ${err.message}`,
          `ProviderRejected${err.status as number}`,
        );
      }
    }
  }
}
