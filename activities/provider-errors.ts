import { ApplicationFailure } from '@temporalio/activity';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ModelSpec } from '../core/task/model-spec.js';
import type { AttemptOutcome } from '../storage/ledger.js';

/** Retries per call when an endpoint says nothing (the task schema's default, for specs that bypassed it). */
export const DEFAULT_MAX_RETRIES = 5;
/** However the endpoint is configured, a call is never tried more than this many times over. */
export const HARD_MAX_RETRIES = 10;
/** 429s are the provider pacing us, not failures; this many for one call means something is wrong. */
export const MAX_THROTTLES = 30;

/** The retries a call gets: the endpoint's `maxRetries`, the default when absent or invalid, never above the hard cap. */
export function retriesFor(endpoint: Pick<ModelSpec, 'maxRetries'>): number {
  const n = (endpoint as { maxRetries?: unknown }).maxRetries;
  const configured = typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : DEFAULT_MAX_RETRIES;
  return Math.min(configured, HARD_MAX_RETRIES);
}

/** The failure type of a request whose prompt does not fit the model's context (a 400 that no retry cures). */
export const CONTEXT_LENGTH_FAILURE = 'ContextLengthExceeded';

/** Jittered exponential back-off: 0.5 s, 1 s, 2 s, ... up to 20 s, each between half and all of that. */
export function backoffMs(attempt: number): number {
  const ceiling = Math.min(20_000, 500 * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Retry-After (seconds or HTTP date), retry-after-ms, or x-ratelimit-reset-requests ("1.5s", "250ms"). */
export function retryAfterMs(err: { headers?: unknown }): number | undefined {
  const headers = err.headers as { get?: (name: string) => string | null } | Record<string, string> | undefined;
  const get = (name: string): string | null | undefined => {
    if (!headers) return undefined;
    if (typeof headers.get === 'function') return (headers as { get: (n: string) => string | null }).get(name);
    return (headers as Record<string, string>)[name];
  };
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const after = get('retry-after');
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const reset = get('x-ratelimit-reset-requests');
  const match = reset ? /^([\d.]+)(ms|s)?$/.exec(reset) : null;
  if (match) return Number(match[1]) * (match[2] === 'ms' ? 1 : 1000);
  return undefined;
}

/**
 * Whether a 429 says one of our limits is used up (`x-ratelimit-remaining-requests` 0, or fewer
 * tokens left than the request needs): our pacing was off and the shared rate should come down. A
 * 429 without that (an overloaded provider, a burst of throttling) is paced by its Retry-After only.
 */
export function quotaUsedUp(err: { headers?: unknown }, estimatedTokens: number): boolean {
  const headers = err.headers as { get?: (name: string) => string | null } | undefined;
  const get = (name: string): number => Number(typeof headers?.get === 'function' ? (headers.get(name) ?? NaN) : NaN);
  return get('x-ratelimit-remaining-requests') === 0 || get('x-ratelimit-remaining-tokens') < estimatedTokens;
}

/** OpenAI says `context_length_exceeded`; vLLM and llama.cpp say it in words. */
export function isContextLengthError(err: unknown): boolean {
  if (!(err instanceof APIError) || err.status !== 400) return false;
  const code = (err as { code?: unknown }).code;
  return (
    code === 'context_length_exceeded' ||
    /context[ _]length|maximum context|context size|context window/i.test(err.message)
  );
}

/** The ledger's name for an attempt that did not end with a reply. */
export function outcomeOf(err: unknown): AttemptOutcome {
  if (err instanceof APIUserAbortError) return 'aborted';
  if (err instanceof APIConnectionTimeoutError) return 'timeout';
  if (err instanceof APIConnectionError) return 'connection_error';
  if (err instanceof APIError && err.status !== undefined) {
    if (err.status === 429) return 'throttled';
    if (isContextLengthError(err)) return 'context_length';
    if (err.status >= 500) return 'server_error';
    return 'rejected';
  }
  return 'connection_error';
}

/**
 * 400/401/403/404/422 will not get better by retrying: fail the activity for good, saying why. A
 * prompt longer than the model's context gets its own failure type, so an evaluation can score
 * that one example 0 instead of failing the run.
 */
export function classifyProviderError(err: unknown, req: { modelName: string; endpoint: ModelSpec }): Error {
  const status = err instanceof APIError ? (err.status as number | undefined) : undefined;
  const where = `model "${req.modelName}" (${req.endpoint.model} at ${req.endpoint.baseUrl})`;
  if (isContextLengthError(err)) {
    return ApplicationFailure.nonRetryable(
      `${where}: the prompt exceeds the model's context length (${(err as Error).message})`,
      CONTEXT_LENGTH_FAILURE,
    );
  }
  if (err instanceof APIError && status !== undefined && [400, 401, 403, 404, 422].includes(status)) {
    return ApplicationFailure.nonRetryable(
      `${where} rejected the request with ${status}: ${err.message}`,
      `ProviderRejected${status}`,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`${where}: ${message}`);
}

/** True for the failure `classifyProviderError` makes of a context-length 400. */
export function isContextLengthFailure(err: unknown): err is ApplicationFailure {
  return err instanceof ApplicationFailure && err.type === CONTEXT_LENGTH_FAILURE;
}
