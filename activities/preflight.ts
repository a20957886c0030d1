import { ApplicationFailure } from '@temporalio/activity';
import OpenAI, { APIError } from 'openai';
import { leafMetrics } from '../core/policy/check-spec.js';
import type { ModelSpec } from '../core/task/model-spec.js';
import type { TaskPolicy } from '../core/policy/types.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { apiKeyFor } from './task-policy.js';

/** Every model a run may call: its roles, distillation's teacher and student, and every llm_judge metric's model. */
export function modelsUsed(spec: TaskSpec): string[] {
  const used = new Set([spec.roles.meta, spec.roles.dev, ...spec.roles.production]);
  for (const name of [spec.roles.teacher, spec.roles.student, spec.distill?.teacher, spec.distill?.student]) {
    if (name) used.add(name);
  }
  for (const { metric } of leafMetrics(spec.metric)) {
    if (metric.kind === 'llm_judge') used.add(metric.model ?? spec.roles.meta);
  }
  return [...used].filter((name) => name in spec.models);
}

/** The endpoints a run uses, by model name: what the client sends to a worker to check. */
export function endpointsUsed(spec: TaskSpec): Record<string, ModelSpec> {
  return Object.fromEntries(modelsUsed(spec).map((name) => [name, spec.models[name]!]));
}

export interface EndpointCheck {
  model: string;
  ok: boolean;
  /** What is wrong, when something is. */
  problem?: 'missing-key' | 'policy' | 'key-refused' | 'unreachable' | 'unknown-model' | 'error';
  /** The provider's HTTP status, when it answered with an error. */
  status?: number;
  detail: string;
}

/**
 * From a worker (where the keys are): for each endpoint, is its API key set, does `GET /models`
 * answer, does it accept the key, and does it serve the model id. One request per endpoint, no
 * completion; a server without a /models route (404/405) is taken as reachable with the id unchecked.
 */
export async function checkEndpoints(
  endpoints: Record<string, ModelSpec>,
  policy: TaskPolicy,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EndpointCheck[]> {
  // One GET /models per distinct endpoint and key, all at once: a slow endpoint delays the answer once.
  const listings = new Map<string, Promise<string[] | 'no-route'>>();
  const checks = Object.entries(endpoints).map(async ([name, endpoint]): Promise<EndpointCheck> => {
    const where = `model "${name}" (${endpoint.model} at ${endpoint.baseUrl})`;
    let apiKey: string;
    try {
      // The task policy first: a key goes only to the hosts it is bound to, /models included.
      apiKey = apiKeyFor(name, endpoint, policy, env);
    } catch (err) {
      const missing = err instanceof ApplicationFailure && err.type === 'MissingApiKey';
      return { model: name, ok: false, problem: missing ? 'missing-key' : 'policy', detail: (err as Error).message };
    }
    const id = `${endpoint.baseUrl}|${endpoint.apiKeyEnv ?? ''}`;
    let listing = listings.get(id);
    if (!listing) {
      listing = listModels(endpoint, apiKey);
      listings.set(id, listing);
    }
    try {
      const models = await listing;
      if (models === 'no-route') {
        return { model: name, ok: true, detail: `${where}: reachable; it has no /models route, id not checked` };
      }
      if (!models.includes(endpoint.model)) {
        return {
          model: name,
          ok: false,
          problem: 'unknown-model',
          detail: `${where}: the endpoint does not serve a model "${endpoint.model}"; it serves ${models.join(', ') || 'none'} — fix models.${name}.model`,
        };
      }
      return { model: name, ok: true, detail: `${where}: reachable, key accepted, model served` };
    } catch (err) {
      return { model: name, ...failed(err, endpoint, where) };
    }
  });
  return Promise.all(checks);
}

async function listModels(endpoint: ModelSpec, apiKey: string): Promise<string[] | 'no-route'> {
  const client = new OpenAI({
    apiKey,
    baseURL: endpoint.baseUrl,
    timeout: Math.min(endpoint.timeoutMs, 15_000),
    maxRetries: 0,
  });
  try {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    return ids;
  } catch (err) {
    if (err instanceof APIError && (err.status === 404 || err.status === 405)) return 'no-route';
    throw err;
  }
}

function failed(err: unknown, endpoint: ModelSpec, where: string): Omit<EndpointCheck, 'model'> {
  if (err instanceof APIError && (err.status === 401 || err.status === 403)) {
    return {
      ok: false,
      problem: 'key-refused',
      status: err.status as number,
      detail: `${where} refused the API key from ${endpoint.apiKeyEnv ?? '(none)'} with ${err.status}: ${err.message}`,
    };
  }
  if (err instanceof APIError && err.status !== undefined) {
    return {
      ok: false,
      problem: 'error',
      status: err.status as number,
      detail: `${where}: GET /models answered ${err.status}: ${err.message}`,
    };
  }
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return {
    ok: false,
    problem: 'unreachable',
    detail: `${where}: cannot reach ${endpoint.baseUrl}: ${err instanceof Error ? err.message : String(err)}${cause}; is the server up and the URL right?`,
  };
}

/**
 * Inside a run, before it spends anything (defence in depth behind the client's check): a missing
 * or refused key fails the run with one clear message instead of a burst of rejected completions.
 */
export async function checkModelAccess(
  spec: TaskSpec,
  policy: TaskPolicy,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const endpoints = endpointsUsed(spec);
  // A key the policy refuses, or that is not set, fails the run with the policy's own failure.
  for (const [name, endpoint] of Object.entries(endpoints)) apiKeyFor(name, endpoint, policy, env);
  const checks = await checkEndpoints(endpoints, policy, env);
  // Only what no retry cures fails the run here; an unreachable endpoint may come back.
  for (const check of checks) {
    if (check.problem === 'key-refused') {
      throw ApplicationFailure.nonRetryable(check.detail, `ProviderRejected${check.status}`);
    }
  }
}
