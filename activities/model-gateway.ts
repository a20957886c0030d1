import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import OpenAI, { APIError } from 'openai';
import type { ChatMessage } from '../core/chat.js';
import { canonicalJson, sha256Hex } from '../core/hash.js';
import type { TaskPolicy } from '../core/policy/types.js';
import type { ModelSpec } from '../core/task/model-spec.js';
import type { SampleReply } from '../core/program/vote.js';
import { type Db } from '../platform/db.js';
import { LedgerWriter, type LedgerEntry } from '../storage/ledger.js';
import { cachedResponse, cachedResponses, type CachedResponse } from '../storage/response-cache.js';
import { Semaphore } from './concurrency.js';
import {
  backoffMs,
  classifyProviderError,
  MAX_THROTTLES,
  outcomeOf,
  quotaUsedUp,
  retriesFor,
  retryAfterMs,
} from './provider-errors.js';
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
  /** Abandons the call (and its waits); defaults to the running activity's cancellation signal. */
  signal?: AbortSignal;
}

/** Cached answers looked up ahead for a batch of requests: a key in `keys` missing from `hits` was a miss. */
export interface CacheLookup {
  keys: ReadonlySet<string>;
  hits: ReadonlyMap<string, CachedResponse>;
}

/** A model's reply as a program reads it (`core/program`): text, cost, and whether it was cached or malformed. */
export type ModelCallResult = SampleReply;

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
 * provider. It is the only retry layer for a call: the `openai` client's own retries are off, so
 * every attempt passes the shared rate limiter, waits the gateway's back-off, and is booked in the
 * call ledger as the provider sees it. Only a good answer is cached.
 */
export class ModelGateway {
  private readonly clients = new Map<string, OpenAI>();
  private readonly limits = new Map<string, Semaphore>();
  private readonly limiter: SharedRateLimiter;
  /** Books every attempt and cache hit; bookings made together share a statement. */
  private readonly ledger: LedgerWriter;
  /** Paid calls in flight by request key: the same request asked meanwhile waits for that answer. */
  private readonly inflight = new Map<string, Promise<ModelCallResult>>();

  constructor(
    private readonly db: Db,
    /** The cluster's task policy: which keys may go to which hosts (checked before a key is read). */
    readonly policy: TaskPolicy,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.limiter = new SharedRateLimiter(db);
    this.ledger = new LedgerWriter(db);
  }

  /** Looks up the cached answers of many requests in one query (an activity's batch), for `call`. */
  async lookUp(reqs: readonly ModelCallRequest[]): Promise<CacheLookup> {
    const keys = new Set(reqs.map(requestKey));
    return { keys, hits: await cachedResponses(this.db, [...keys]) };
  }

  /**
   * One model call. `lookup`, when it covers this request, answers the cache question without a
   * query of its own. The same request already being paid for by this worker is not sent again:
   * it waits for that answer and is booked as a cache hit.
   */
  async call(req: ModelCallRequest, lookup?: CacheLookup): Promise<ModelCallResult> {
    const key = requestKey(req);
    const hit = lookup?.keys.has(key) ? lookup.hits.get(key) : await cachedResponse(this.db, key);
    if (hit) return this.answerFromCache(req, key, hit);
    const pending = this.inflight.get(key);
    if (pending) {
      // A failed or malformed answer is not shared: this call asks on its own, as it would have.
      const answer = await pending.catch(() => undefined);
      if (answer && !answer.malformed) return this.answerFromCache(req, key, answer);
    }
    const signal = req.signal ?? activitySignal();
    const sent = this.concurrency(req).run(() => this.send(req, key, signal));
    this.inflight.set(key, sent);
    try {
      return await sent;
    } finally {
      if (this.inflight.get(key) === sent) this.inflight.delete(key);
    }
  }

  private async answerFromCache(req: ModelCallRequest, key: string, hit: CachedResponse): Promise<ModelCallResult> {
    const result: ModelCallResult = {
      content: hit.content,
      promptTokens: hit.promptTokens,
      completionTokens: hit.completionTokens,
      latencyMs: hit.latencyMs,
      costUsd: costOf(req.endpoint, hit.promptTokens, hit.completionTokens),
      cached: true,
    };
    await this.ledger.cacheHit({ ...this.entry(req, key), ...usage(result) });
    return result;
  }

  private entry(
    req: ModelCallRequest,
    key: string,
  ): Omit<LedgerEntry, 'outcome' | 'promptTokens' | 'completionTokens' | 'costUsd'> {
    return {
      runId: req.runId,
      requestKey: key,
      generation: req.generation,
      modelName: req.modelName,
      purpose: req.purpose,
    };
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
    const id = `${endpoint.baseUrl}|${endpoint.apiKeyEnv ?? ''}|${endpoint.timeoutMs}`;
    let client = this.clients.get(id);
    if (!client) {
      const apiKey = apiKeyFor(modelName, endpoint, this.policy, this.env);
      // The client's own retries are off: they would bypass the shared limiter and the ledger.
      client = new OpenAI({ apiKey, baseURL: endpoint.baseUrl, timeout: endpoint.timeoutMs, maxRetries: 0 });
      this.clients.set(id, client);
    }
    return client;
  }

  private async send(req: ModelCallRequest, key: string, signal: AbortSignal | undefined): Promise<ModelCallResult> {
    const bucket = `${req.endpoint.baseUrl.replace(/\/$/, '')}|${req.endpoint.model}`;
    const limits = {
      ...(req.endpoint.rpm ? { rpm: req.endpoint.rpm } : {}),
      ...(req.endpoint.tpm ? { tpm: req.endpoint.tpm } : {}),
    };
    const estimate = estimateTokens(req);
    const maxRetries = retriesFor(req.endpoint);
    const base = this.entry(req, key);
    let failures = 0;
    let throttles = 0;
    // A request that should answer the same way every time: a repeated bad reply will keep coming.
    const deterministic = (req.temperature ?? req.endpoint.temperature) === 0 || req.seed !== undefined;
    let lastBadReply: string | undefined;
    for (;;) {
      throwIfAborted(signal);
      await this.limiter.acquire(bucket, limits, estimate, undefined, signal).catch((err: unknown) => {
        throwIfAborted(signal);
        throw err;
      });
      const sent = await this.attempt(req, signal);
      if ('error' in sent) {
        const err = sent.error;
        await this.ledger.attempt({
          ...base,
          outcome: outcomeOf(err),
          ...(err instanceof APIError && err.status !== undefined ? { status: err.status as number } : {}),
          promptTokens: 0,
          completionTokens: 0,
          costUsd: 0,
        });
        throwIfAborted(signal);
        const failure = classifyProviderError(err, req);
        if (failure instanceof ApplicationFailure && failure.nonRetryable) throw failure;
        if (err instanceof APIError && err.status === 429) {
          if (++throttles > MAX_THROTTLES) throw failure;
          const pause = retryAfterMs(err as { headers?: unknown }) ?? backoffMs(throttles);
          // With a limit configured every worker pauses on the shared bucket; without one, this call alone waits.
          if (limits.rpm || limits.tpm) await this.limiter.backOff(bucket, pause, quotaUsedUp(err, estimate));
          else await pauseFor(pause, signal);
          continue;
        }
        if (++failures > maxRetries) throw failure;
      } else {
        const { result, finishReason } = sent;
        await this.limiter.correctTokens(bucket, limits, estimate, result.promptTokens + result.completionTokens);
        const cutOff = finishReason === 'length' ? 'the reply was cut off (finish_reason "length")' : undefined;
        const problem = cutOff ?? req.validate?.(result.content);
        if (problem === undefined) {
          await this.ledger.attempt(
            { ...base, outcome: 'answered', ...usage(result) },
            {
              model: req.endpoint.model,
              request: canonicalJson(canonicalRequest(req)),
              response: JSON.stringify({ content: result.content, latencyMs: result.latencyMs }),
            },
          );
          return result;
        }
        // A malformed or cut-off reply was billed: booked, never cached, and asked for again; if it
        // keeps coming it is returned as the model's (malformed) answer. A deterministic request
        // (temperature 0 or a seed) that gets the very same bad reply twice in a row is not asked
        // again: a local model, or a cap on tokens the answer does not fit in, would repeat it.
        await this.ledger.attempt({ ...base, outcome: 'malformed', ...usage(result) });
        if (deterministic && result.content === lastBadReply) {
          return { ...result, malformed: `${problem}; the same reply came back when asked again` };
        }
        lastBadReply = result.content;
        if (++failures > maxRetries) return { ...result, malformed: problem };
      }
      await pauseFor(backoffMs(failures), signal);
    }
  }

  /** One request to the provider: the reply, or what went wrong. */
  private async attempt(
    req: ModelCallRequest,
    signal: AbortSignal | undefined,
  ): Promise<{ result: ModelCallResult; finishReason: string | undefined } | { error: unknown }> {
    const client = this.client(req.endpoint, req.modelName);
    const started = performance.now();
    try {
      const completion = await client.chat.completions.create(
        {
          model: req.endpoint.model,
          messages: req.messages,
          temperature: req.temperature ?? req.endpoint.temperature,
          ...(req.seed !== undefined ? { seed: req.seed } : {}),
          ...((req.maxTokens ?? req.endpoint.maxTokens) ? { max_tokens: req.maxTokens ?? req.endpoint.maxTokens } : {}),
          ...(req.responseFormat ? { response_format: req.responseFormat as never } : {}),
        },
        signal ? { signal } : {},
      );
      const promptTokens = completion.usage?.prompt_tokens ?? 0;
      const completionTokens = completion.usage?.completion_tokens ?? 0;
      return {
        result: {
          content: completion.choices[0]?.message.content ?? '',
          promptTokens,
          completionTokens,
          latencyMs: Math.round(performance.now() - started),
          costUsd: costOf(req.endpoint, promptTokens, completionTokens),
          cached: false,
        },
        finishReason: completion.choices[0]?.finish_reason,
      };
    } catch (error) {
      return { error };
    }
  }
}

function usage(r: ModelCallResult): Pick<LedgerEntry, 'promptTokens' | 'completionTokens' | 'costUsd'> {
  return { promptTokens: r.promptTokens, completionTokens: r.completionTokens, costUsd: r.costUsd };
}

/** The running activity's cancellation signal (worker shutdown, cancelled run), outside an activity none. */
function activitySignal(): AbortSignal | undefined {
  let signal: AbortSignal;
  try {
    signal = Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
  // Each call in flight and each wait listens on it; an activity runs many at once.
  setMaxListeners(0, signal);
  return signal;
}

async function pauseFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await sleep(ms, undefined, signal ? { signal } : {}).catch(() => throwIfAborted(signal));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof CancelledFailure) throw reason;
  throw new CancelledFailure(`model call abandoned: ${reason instanceof Error ? reason.message : String(reason)}`);
}

/** Tokens a request will use, before the provider says: about four characters a token, plus the answer. */
export function estimateTokens(req: ModelCallRequest): number {
  const chars = req.messages.reduce((n, m) => n + m.content.length, 0);
  return Math.ceil(chars / 4) + (req.maxTokens ?? req.endpoint.maxTokens ?? 256);
}
