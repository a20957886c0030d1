import OpenAI from 'openai';
import { keyViolation } from '../core/policy/key-violation.js';
import { parseKeyHosts } from '../core/policy/key-hosts.js';
import type { TaskPolicy } from '../core/policy/types.js';
import { urlCredentialProblem } from '../core/policy/url-credentials.js';
import type { ProgramRequest } from '../core/program/request.js';
import type { SampleReply } from '../core/program/vote.js';
import type { DecodingSettings } from '../core/registry/version.js';
import type { ModelSpec } from '../core/task/model-spec.js';
import { EndpointError } from './errors.js';

/**
 * Where the service sends a version's model: its own configuration, never the registry's. A key
 * is named by its environment variable, as in task files, and is read only when the key/host
 * policy allows it to go to `baseUrl` (the workers' rule, core/policy).
 */
export interface EndpointConfig {
  baseUrl: string;
  /** The environment variable holding the key: named with the key prefix and bound to this host. */
  apiKeyEnv?: string;
  timeoutMs?: number;
}

/** A version's model id → the endpoint this service reaches it at; undefined: not configured. */
export type EndpointMap = (model: string) => EndpointConfig | undefined;

/** The key/host policy: which key variables exist, and the hosts each may be sent to. */
export interface KeyPolicy {
  keyPrefix: string;
  /** `NAME=host[:port][,host...];NAME=...`, as PROMPTEVO_KEY_HOSTS. */
  keyHosts: string;
}

/** The policy from the environment, as workers read it: PROMPTEVO_KEY_PREFIX and PROMPTEVO_KEY_HOSTS. */
export function keyPolicyFromEnv(env: NodeJS.ProcessEnv): KeyPolicy {
  return { keyPrefix: env.PROMPTEVO_KEY_PREFIX ?? 'PROMPTEVO_KEY_', keyHosts: env.PROMPTEVO_KEY_HOSTS ?? '' };
}

/** Checks an endpoint against the policy and reads its key; throws EndpointError saying what to change. */
export function resolveEndpoint(
  model: string,
  endpoint: EndpointConfig,
  policy: KeyPolicy,
  env: NodeJS.ProcessEnv,
): { baseUrl: string; apiKey: string; timeoutMs: number } {
  const inUrl = urlCredentialProblem(endpoint.baseUrl);
  if (inUrl) throw new EndpointError(model, `endpoint for model "${model}": ${inUrl}`);
  const { bindings, problems } = parseKeyHosts(policy.keyHosts, policy.keyPrefix);
  if (problems.length > 0) {
    throw new EndpointError(model, `PROMPTEVO_KEY_HOSTS: ${problems.join('; ')}`);
  }
  const taskPolicy: TaskPolicy = {
    keyPrefix: policy.keyPrefix,
    keyHosts: bindings,
    dataRoots: [],
    moduleRoots: [],
    maxDatasetBytes: 0,
    maxDatasetRows: 0,
  };
  const spec = { baseUrl: endpoint.baseUrl, apiKeyEnv: endpoint.apiKeyEnv } as ModelSpec;
  const violation = keyViolation(model, spec, taskPolicy);
  if (violation) throw new EndpointError(model, `endpoint for model "${model}": ${violation.message}`);
  let apiKey = 'not-needed';
  if (endpoint.apiKeyEnv !== undefined) {
    const value = env[endpoint.apiKeyEnv];
    if (!value) {
      throw new EndpointError(
        model,
        `endpoint for model "${model}": ${endpoint.apiKeyEnv} is not set in this service's environment; export the key there`,
      );
    }
    apiKey = value;
  }
  return { baseUrl: endpoint.baseUrl, apiKey, timeoutMs: endpoint.timeoutMs ?? 60_000 };
}

/** The chat completion body a program request becomes: the same fields the workers' gateway sends. */
export function completionBody(model: string, request: ProgramRequest, decoding: DecodingSettings) {
  return {
    model,
    messages: request.messages,
    temperature: request.temperature,
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(decoding.maxTokens ? { max_tokens: decoding.maxTokens } : {}),
    ...(request.responseFormat ? { response_format: request.responseFormat as never } : {}),
  };
}

/** One model call of a program: the reply, with tokens and latency. No retries: the caller decides. */
export async function callEndpoint(
  client: OpenAI,
  model: string,
  request: ProgramRequest,
  decoding: DecodingSettings,
): Promise<SampleReply & { finishReason?: string }> {
  const started = performance.now();
  const completion = await client.chat.completions.create(completionBody(model, request, decoding));
  const choice = completion.choices[0];
  const content = choice?.message.content ?? '';
  const cutOff = choice?.finish_reason === 'length' ? 'the reply was cut off (finish_reason "length")' : undefined;
  const malformed = cutOff ?? request.validate?.(content);
  return {
    content,
    promptTokens: completion.usage?.prompt_tokens ?? 0,
    completionTokens: completion.usage?.completion_tokens ?? 0,
    latencyMs: Math.round(performance.now() - started),
    costUsd: 0,
    cached: false,
    ...(malformed ? { malformed } : {}),
    ...(choice?.finish_reason ? { finishReason: choice.finish_reason } : {}),
  };
}

/** An OpenAI client for an endpoint; retries are the client's default (2), a service's choice. */
export function clientFor(endpoint: { baseUrl: string; apiKey: string; timeoutMs: number }): OpenAI {
  return new OpenAI({ apiKey: endpoint.apiKey, baseURL: endpoint.baseUrl, timeout: endpoint.timeoutMs });
}
