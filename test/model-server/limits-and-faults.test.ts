// Rate limits (429 + Retry-After + x-ratelimit headers) and each injected fault kind.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { clientFor, startTestServer, taskMessages } from './helpers.js';
import { routingSeed } from './prompts.js';

const sim = { type: 'simulated', size: 'large' };
const ask = (client: OpenAI, model: string, content = 'ticket: The app crashes on start.') =>
  client.chat.completions.create({ model, temperature: 0, messages: taskMessages(routingSeed, { ticket: content }) });

describe('rate limits', () => {
  it('answers 429 with Retry-After once rpm is used up, and reports x-ratelimit headers', async () => {
    const server = await startTestServer({ models: { limited: { backend: sim, limits: { rpm: 2, tpm: 100_000 } } } });
    try {
      const client = clientFor(server);
      const first = await ask(client, 'limited').withResponse();
      expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
      expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
      expect(first.response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
      expect(first.response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s$/);
      await ask(client, 'limited');
      const third = await ask(client, 'limited').catch((e: unknown) => e);
      expect(third).toBeInstanceOf(OpenAI.RateLimitError);
      const headers = (third as InstanceType<typeof OpenAI.RateLimitError>).headers;
      const retryAfter = Number(headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(headers.get('x-ratelimit-remaining-requests')).toBe('0');
      const stats = server.stats.summary().models['limited']!;
      expect(stats.byStatus).toEqual({ '200': 2, '429': 1 });
    } finally {
      await server.close();
    }
  });

  it('enforces tpm: a request that does not fit the token budget gets 429', async () => {
    const server = await startTestServer({ models: { limited: { backend: sim, limits: { tpm: 150 } } } });
    try {
      const client = clientFor(server);
      await ask(client, 'limited');
      const second = await ask(client, 'limited').catch((e: unknown) => e);
      expect(second).toBeInstanceOf(OpenAI.RateLimitError);
      expect(Number((second as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after'))).toBeGreaterThan(
        0,
      );
    } finally {
      await server.close();
    }
  });
});

describe('fault injection', () => {
  const faulty = (faults: Record<string, number>) => ({ backend: sim, faults });

  it('injects 500/503 server errors', async () => {
    const server = await startTestServer({ seed: 3, models: { m: faulty({ serverErrorRate: 1 }) } });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          ask(clientFor(server), 'm', `ticket ${i}`).catch((e: InstanceType<typeof OpenAI.APIError>) => e.status),
        ),
      );
      expect(statuses.every((s) => s === 500 || s === 503)).toBe(true);
      expect(new Set(statuses).size).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('draws faults by arrival, so a retried request eventually succeeds', async () => {
    const server = await startTestServer({ seed: 5, models: { m: faulty({ serverErrorRate: 0.5 }) } });
    try {
      const client = clientFor(server);
      const outcomes: number[] = [];
      for (let i = 0; i < 16; i++)
        outcomes.push(
          await ask(client, 'm').then(
            () => 200,
            (e: InstanceType<typeof OpenAI.APIError>) => e.status ?? 0,
          ),
        );
      expect(outcomes).toContain(200);
      expect(outcomes.some((s) => s >= 500)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('hangs: the request is never answered until the client gives up', async () => {
    const server = await startTestServer({ models: { m: { backend: sim, faults: { hangRate: 1, hangMs: 600_000 } } } });
    try {
      const error = await ask(clientFor(server, { timeout: 300 }), 'm').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    } finally {
      await server.close();
    }
  });

  it('drops the connection once hangMs passes', async () => {
    const server = await startTestServer({ models: { m: { backend: sim, faults: { hangRate: 1, hangMs: 20 } } } });
    try {
      const error = await ask(clientFor(server), 'm').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(server.stats.requests('m').map((r) => r.status)).toEqual([0]);
    } finally {
      await server.close();
    }
  });

  it('truncates the completion content mid-JSON', async () => {
    const server = await startTestServer({ models: { m: faulty({ truncatedRate: 1 }) } });
    try {
      const completion = await ask(clientFor(server), 'm');
      const content = completion.choices[0]!.message.content!;
      expect(content.startsWith('{"label":')).toBe(true);
      expect(() => JSON.parse(content) as unknown).toThrow();
      expect(completion.choices[0]!.finish_reason).toBe('length');
    } finally {
      await server.close();
    }
  });

  it('returns malformed content that is not the asked format', async () => {
    const server = await startTestServer({ models: { m: faulty({ malformedRate: 1 }) } });
    try {
      const completion = await ask(clientFor(server), 'm');
      const content = completion.choices[0]!.message.content!;
      expect(content.length).toBeGreaterThan(0);
      expect(() => JSON.parse(content) as unknown).toThrow();
    } finally {
      await server.close();
    }
  });

  it('rejects a config whose fault rates exceed 1, naming the path', async () => {
    await expect(startTestServer({ models: { m: faulty({ hangRate: 0.7, truncatedRate: 0.6 }) } })).rejects.toThrow(
      /test config[\s\S]*models\.m\.faults: the fault rates must add up to at most 1/,
    );
  });
});
