import { ApplicationFailure } from '@temporalio/activity';
import OpenAI, { APIError } from 'openai';
import type { ChatMessage } from '../core/chat.js';
import { canonicalJson, sha256Hex } from '../core/hash.js';
import type { TaskPolicy } from '../core/policy/types.js';
import type { ModelSpec } from '../core/task/model-spec.js';
import { type Db } from '../platform/db.js';
import { Semaphore } from './concurrency.js';
import { SharedRateLimiter } from './rate-limiter.js';
import { apiKeyFor } from './task-policy.js';

export interface ModelCallRequest {
  runId: string;
  generation: number;
  /** What the call is for (evaluate, propose, judge, ...): spend is reported per purpose. */
  purpose: string;
  modelName: string;
  endpoint: ModelSpec;
  messages: ChatMessage[];
  responseFormat?: Record<string, unknown>;
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  /** Checks a reply's shape; a message means malformed output, retried like a provider fault. */
  validate?: (content: string) => string | undefined;
}

export interface ModelCallResult {
  content: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costUsd: number;
  /** True when the answer came from the response cache instead of the provider. */
  cached: boolean;
}

/** The part of a request that decides the answer; its hash keys the response cache. */
function canonicalRequest(req: ModelCallRequest): Record<string, unknown> {
  return {
    baseUrl: req.endpoint.baseUrl.replace(/\/$/, ''),
    model: req.endpoint.model,
    messages: req.messages,
    responseFormat: req.responseFormat ?? null,
    temperature: req.temperature ?? req.endpoint.temperature,
    seed: req.seed ?? null,
    maxTokens: req.maxTokens ?? req.endpoint.maxTokens ?? null,
  };
}

export function requestKey(req: ModelCallRequest): string {
  return sha256Hex(canonicalJson(canonicalRequest(req)));
}

export function costOf(endpoint: ModelSpec, promptTokens: number, completionTokens: number): number {
  return (promptTokens * endpoint.pricing.inputPerMTok + completionTokens * endpoint.pricing.outputPerMTok) / 1_000_000;
}

/**
 * Every model call goes through here: answered from the PostgreSQL response cache when the same
 * canonical request was paid for before (by this run or any other), otherwise sent to the
 * provider, cached, and recorded in the run's call ledger exactly once.
 */
export class ModelGateway {
  private readonly clients = new Map<string, OpenAI>();
  private readonly limits = new Map<string, Semaphore>();
  private readonly limiter: SharedRateLimiter;

  constructor(
    private readonly db: Db,
    /** The cluster's task policy: which keys may go to which hosts (checked before a key is read). */
    readonly policy: TaskPolicy,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.limiter = new SharedRateLimiter(db);
  }

  async call(req: ModelCallRequest): Promise<ModelCallResult> {
    const key = requestKey(req);
    const hit = await this.db.query<{
      response: { content: string; latencyMs: number };
      prompt_tokens: number;
      completion_tokens: number;
    }>('SELECT response, prompt_tokens, completion_tokens FROM response_cache WHERE key = $1', [key]);
    const row = hit.rows[0];
    if (row) {
      const result: ModelCallResult = {
        content: row.response.content,
        promptTokens: row.prompt_tokens,
        completionTokens: row.completion_tokens,
        latencyMs: row.response.latencyMs,
        costUsd: costOf(req.endpoint, row.prompt_tokens, row.completion_tokens),
        cached: true,
      };
      await this.recordCall(req, key, result);
      return result;
    }
    const result = await this.concurrency(req).run(() => this.send(req));
    await this.recordCall(req, key, result, true);
    return result;
  }

  /**
   * The ledger keeps the first record of a request in a run, so a retried activity never counts
   * twice; the run's running totals move in the same statement, only when the row is new. A paid
   * answer is cached by that statement too: a worker that dies after paying either recorded both
   * or neither, so its retry never books a paid call as a cache hit.
   */
  private async recordCall(req: ModelCallRequest, key: string, result: ModelCallResult, paid = false): Promise<void> {
    const cache = paid
      ? [
          req.endpoint.model,
          canonicalJson(canonicalRequest(req)),
          JSON.stringify({ content: result.content, latencyMs: result.latencyMs }),
        ]
      : [];
    await this.db.query(
      `WITH ${
        paid
          ? `stored AS (
         INSERT INTO response_cache (key, model, request, response, prompt_tokens, completion_tokens)
         VALUES ($2, $10, $11, $12, $7, $8) ON CONFLICT (key) DO NOTHING),`
          : ''
      } recorded AS (
         INSERT INTO model_calls (run_id, request_key, generation, model, purpose, cached, prompt_tokens, completion_tokens, cost_usd)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (run_id, request_key) DO NOTHING
         RETURNING run_id, model, cached, prompt_tokens + completion_tokens AS tokens, cost_usd)
       INSERT INTO run_spend AS s (run_id, model, calls, cached_calls, tokens, cost_usd)
       SELECT run_id, model, CASE WHEN cached THEN 0 ELSE 1 END, CASE WHEN cached THEN 1 ELSE 0 END,
              CASE WHEN cached THEN 0 ELSE tokens END, cost_usd FROM recorded
       ON CONFLICT (run_id, model) DO UPDATE SET calls = s.calls + EXCLUDED.calls,
         cached_calls = s.cached_calls + EXCLUDED.cached_calls, tokens = s.tokens + EXCLUDED.tokens,
         cost_usd = s.cost_usd + EXCLUDED.cost_usd`,
      [
        req.runId,
        key,
        req.generation,
        req.modelName,
        req.purpose,
        result.cached,
        result.promptTokens,
        result.completionTokens,
        result.cached ? 0 : result.costUsd,
        ...cache,
      ],
    );
  }

  private concurrency(req: ModelCallRequest): Semaphore {
    const id = `${req.endpoint.baseUrl}|${req.endpoint.model}`;
    let limiter = this.limits.get(id);
    if (!limiter) {
      limiter = new Semaphore(req.endpoint.maxConcurrency);
      this.limits.set(id, limiter);
    }
    return limiter;
  }

  private client(endpoint: ModelSpec, modelName: string): OpenAI {
    const id = `${endpoint.baseUrl}|${endpoint.apiKeyEnv ?? ''}|${endpoint.timeoutMs}|${endpoint.maxRetries}`;
    let client = this.clients.get(id);
    if (!client) {
      const apiKey = apiKeyFor(modelName, endpoint, this.policy, this.env);
      client = new OpenAI({
        apiKey,
        baseURL: endpoint.baseUrl,
        timeout: endpoint.timeoutMs,
        maxRetries: endpoint.maxRetries,
      });
      this.clients.set(id, client);
    }
    return client;
  }

  private async send(req: ModelCallRequest): Promise<ModelCallResult> {
    const key = `${req.endpoint.baseUrl.replace(/\/$/, '')}|${req.endpoint.model}`;
    const limits = {
      ...(req.endpoint.rpm ? { rpm: req.endpoint.rpm } : {}),
      ...(req.endpoint.tpm ? { tpm: req.endpoint.tpm } : {}),
    };
    const estimate = estimateTokens(req);
    let failures = 0;
    let throttles = 0;
    for (;;) {
      await this.limiter.acquire(key, limits, estimate);
      const started = performance.now();
      try {
        const completion = await this.client(req.endpoint, req.modelName).chat.completions.create({
          model: req.endpoint.model,
          messages: req.messages,
          temperature: req.temperature ?? req.endpoint.temperature,
          ...(req.seed !== undefined ? { seed: req.seed } : {}),
          ...((req.maxTokens ?? req.endpoint.maxTokens) ? { max_tokens: req.maxTokens ?? req.endpoint.maxTokens } : {}),
          ...(req.responseFormat ? { response_format: req.responseFormat as never } : {}),
        });
        const content = completion.choices[0]?.message.content ?? '';
        const promptTokens = completion.usage?.prompt_tokens ?? 0;
        const completionTokens = completion.usage?.completion_tokens ?? 0;
        await this.limiter.correctTokens(key, limits, estimate, promptTokens + completionTokens);
        const result: ModelCallResult = {
          content,
          promptTokens,
          completionTokens,
          latencyMs: Math.round(performance.now() - started),
          costUsd: costOf(req.endpoint, promptTokens, completionTokens),
          cached: false,
        };
        const cutOff =
          completion.choices[0]?.finish_reason === 'length'
            ? 'the reply was cut off (finish_reason "length")'
            : undefined;
        const problem = cutOff ?? req.validate?.(content);
        // A malformed or cut-off reply is asked for again; if it keeps coming, it is the model's answer.
        if (problem === undefined || failures >= req.endpoint.maxRetries) return result;
        throw new MalformedOutputError(problem);
      } catch (err) {
        const failure = classifyProviderError(err, req);
        if (failure instanceof ApplicationFailure && failure.nonRetryable) throw failure;
        if (err instanceof APIError && err.status === 429) {
          if (++throttles > MAX_THROTTLES) throw failure;
          await this.limiter.backOff(key, retryAfterMs(err as { headers?: unknown }) ?? backoffMs(throttles));
          continue;
        }
        if (++failures > req.endpoint.maxRetries) throw failure;
        await new Promise((resolve) => setTimeout(resolve, backoffMs(failures)));
      }
    }
  }
}

/** A reply that does not have the shape the request demanded (e.g. cut-off JSON): worth asking again, never cached. */
export class MalformedOutputError extends Error {
  override name = 'MalformedOutputError';
}

/** 429s are the provider pacing us, not failures; this many in a row for one call means something is wrong. */
const MAX_THROTTLES = 30;

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

/** Tokens a request will use, before the provider says: about four characters a token, plus the answer. */
export function estimateTokens(req: ModelCallRequest): number {
  const chars = req.messages.reduce((n, m) => n + m.content.length, 0);
  return Math.ceil(chars / 4) + (req.maxTokens ?? req.endpoint.maxTokens ?? 256);
}

/** 400/401/403/404 will not get better by retrying: fail the activity for good, saying why. */
export function classifyProviderError(err: unknown, req: Pick<ModelCallRequest, 'modelName' | 'endpoint'>): Error {
  const status = err instanceof APIError ? (err.status as number | undefined) : undefined;
  if (err instanceof APIError && status !== undefined && [400, 401, 403, 404, 422].includes(status)) {
    return ApplicationFailure.nonRetryable(
      `model "${req.modelName}" (${req.endpoint.model} at ${req.endpoint.baseUrl}) rejected the request with ${status}: ${err.message}`,
      `ProviderRejected${status}`,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`model "${req.modelName}" (${req.endpoint.model} at ${req.endpoint.baseUrl}): ${message}`);
}
