import { ApplicationFailure } from '@temporalio/activity';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import {
  classifyProviderError,
  DEFAULT_MAX_RETRIES,
  HARD_MAX_RETRIES,
  isContextLengthFailure,
  outcomeOf,
  quotaUsedUp,
  retriesFor,
} from '../../../activities/provider-errors.js';
import type { ModelSpec } from '../../../core/task/model-spec.js';

const endpoint = { baseUrl: 'http://127.0.0.1:1/v1', model: 'm' } as ModelSpec;
const apiError = (status: number, message: string, code?: string): APIError =>
  APIError.generate(status, { error: { message, code } }, message, new Headers());

describe('retriesFor', () => {
  it('caps every attempt loop whatever the endpoint says', () => {
    expect(retriesFor({ maxRetries: 3 })).toBe(3);
    expect(retriesFor({ maxRetries: 0 })).toBe(0);
    expect(retriesFor({} as ModelSpec)).toBe(DEFAULT_MAX_RETRIES);
    expect(retriesFor({ maxRetries: -1 })).toBe(DEFAULT_MAX_RETRIES);
    expect(retriesFor({ maxRetries: Number.NaN })).toBe(DEFAULT_MAX_RETRIES);
    expect(retriesFor({ maxRetries: 1_000 })).toBe(HARD_MAX_RETRIES);
  });
});

describe('provider errors', () => {
  it("tells a context-length 400 from other 400s, in OpenAI's, vLLM's and llama.cpp's words", () => {
    const openai = apiError(400, "This model's maximum context length is 300 tokens.", 'context_length_exceeded');
    const vllm = apiError(
      400,
      "This model's maximum context length is 2048 tokens. However, you requested 3000 tokens.",
    );
    const llama = apiError(400, 'the request exceeds the available context size, try increasing it');
    const other = apiError(400, "Unrecognized request argument supplied: 'foo'");
    for (const err of [openai, vllm, llama]) {
      const failure = classifyProviderError(err, { modelName: 'dev', endpoint });
      expect(isContextLengthFailure(failure)).toBe(true);
      expect(failure.message).toMatch(
        /model "dev" \(m at http:\/\/127\.0\.0\.1:1\/v1\): the prompt exceeds the model's context length/,
      );
      expect(outcomeOf(err)).toBe('context_length');
    }
    const failure = classifyProviderError(other, { modelName: 'dev', endpoint });
    expect(isContextLengthFailure(failure)).toBe(false);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect(outcomeOf(other)).toBe('rejected');
  });

  it('names every attempt outcome the ledger books', () => {
    expect(outcomeOf(apiError(429, 'slow down'))).toBe('throttled');
    expect(outcomeOf(apiError(503, 'overloaded'))).toBe('server_error');
    expect(outcomeOf(new APIConnectionTimeoutError())).toBe('timeout');
    expect(outcomeOf(new APIUserAbortError())).toBe('aborted');
    expect(outcomeOf(new APIConnectionError({ message: 'socket hang up' }))).toBe('connection_error');
    expect(outcomeOf(new APIConnectionError({ message: 'socket hang up' }))).toBe('connection_error');
    const retryable = classifyProviderError(apiError(503, 'overloaded'), { modelName: 'dev', endpoint });
    expect(retryable).not.toBeInstanceOf(ApplicationFailure);
  });
});

describe('quotaUsedUp', () => {
  it('lowers the shared rate only for a 429 that says a limit is used up, not for an overload burst', () => {
    const with429 = (headers: Record<string, string>) => ({ headers: new Headers(headers) });
    expect(quotaUsedUp(with429({ 'x-ratelimit-remaining-requests': '0' }), 100)).toBe(true);
    expect(
      quotaUsedUp(with429({ 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-remaining-tokens': '50' }), 100),
    ).toBe(true);
    expect(quotaUsedUp(with429({ 'x-ratelimit-remaining-requests': '3' }), 100)).toBe(false);
    expect(quotaUsedUp(with429({ 'retry-after': '1' }), 100)).toBe(false);
  });
});
