// Injected 429 bursts and context-length 400s: what they answer, and that nothing else changes.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { loadModelServerConfig } from '../../model-server/base/config.js';
import { clientFor, startTestServer, taskMessages } from './helpers.js';
import { routingSeed } from './prompts.js';

const sim = { type: 'simulated', size: 'large' };
const ask = (client: OpenAI, content: string, maxTokens?: number) =>
  client.chat.completions.create({
    model: 'm',
    temperature: 0,
    messages: taskMessages(routingSeed, { ticket: content }),
    ...(maxTokens ? { max_tokens: maxTokens } : {}),
  });
const statusOf = (p: Promise<unknown>): Promise<number> =>
  p.then(
    () => 200,
    (e: InstanceType<typeof OpenAI.APIError>) => e.status ?? 0,
  );

describe('injected 429 bursts', () => {
  it('answer whole bursts of 429 with Retry-After, marked as injected, and leave answers and other faults as they were', async () => {
    const faults = {
      throttleBurstRate: 0.15,
      throttleBurstLength: 3,
      throttleRetryAfterSeconds: 2,
      serverErrorRate: 0.1,
    };
    const bursty = await startTestServer({ seed: 4, models: { m: { backend: sim, faults } } });
    const plain = await startTestServer({ seed: 4, models: { m: { backend: sim, faults: { serverErrorRate: 0.1 } } } });
    try {
      const tickets = Array.from({ length: 60 }, (_, i) => `ticket ${i}: my invoice shows a double charge`);
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      let retryAfterMs: string | null = null;
      const answers: string[] = [];
      for (const ticket of tickets) {
        // A throttled request is asked again, as a client would: the answer must be the same as without bursts.
        for (;;) {
          const reply = await ask(clientFor(bursty), ticket).catch((e: unknown) => e);
          if (reply instanceof OpenAI.RateLimitError) {
            statuses.push(429);
            retryAfter = reply.headers.get('retry-after');
            retryAfterMs = reply.headers.get('retry-after-ms');
            continue;
          }
          statuses.push(reply instanceof OpenAI.APIError ? (reply.status as number) : 200);
          answers.push(
            reply instanceof OpenAI.APIError
              ? `error ${reply.status}`
              : (reply as OpenAI.ChatCompletion).choices[0]!.message.content!,
          );
          break;
        }
      }
      const runs = statuses
        .join(',')
        .split(/,?(?:200|500|503),?/)
        .filter((r) => r !== '');
      expect(runs.length).toBeGreaterThan(0);
      for (const run of runs) expect(run.split(',').length % 3).toBe(0);
      expect(retryAfter).toBe('2');
      expect(retryAfterMs).toBe('2000');
      const records = bursty.stats.requests('m');
      expect(records.filter((r) => r.status === 429).every((r) => r.fault === 'throttle-burst')).toBe(true);

      // The same requests without bursts: identical answers and the same 5xx faults, in order.
      const plainAnswers: string[] = [];
      for (const ticket of tickets) {
        const reply = await ask(clientFor(plain), ticket).catch((e: unknown) => e);
        plainAnswers.push(
          reply instanceof OpenAI.APIError
            ? `error ${reply.status}`
            : (reply as OpenAI.ChatCompletion).choices[0]!.message.content!,
        );
      }
      expect(answers).toEqual(plainAnswers);
      expect(answers.some((a) => a.startsWith('error 5'))).toBe(true);
    } finally {
      await Promise.all([bursty.close(), plain.close()]);
    }
  });
});

describe('context length', () => {
  it("answers a prompt longer than the model's context with OpenAI's context_length_exceeded 400", async () => {
    const server = await startTestServer({ models: { m: { backend: sim, faults: { contextTokens: 300 } } } });
    try {
      const client = clientFor(server);
      const short = await ask(client, 'The app crashes on start.');
      expect(short.choices[0]!.finish_reason).toBe('stop');
      const long = await ask(client, 'The app crashes on start. '.repeat(100)).catch((e: unknown) => e);
      expect(long).toBeInstanceOf(OpenAI.BadRequestError);
      const error = long as InstanceType<typeof OpenAI.BadRequestError>;
      expect(error.code).toBe('context_length_exceeded');
      expect(error.param).toBe('messages');
      expect(error.message).toMatch(/maximum context length is 300 tokens/);
      // max_tokens counts against the context too.
      expect(await statusOf(ask(client, 'The app crashes on start.', 290))).toBe(400);
      expect(server.stats.requests('m').map((r) => r.fault ?? null)).toEqual([
        null,
        'context-length',
        'context-length',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('defaults', () => {
  it('the shipped config injects neither bursts nor context-length errors', () => {
    const config = loadModelServerConfig('model-server/models.default.yaml');
    for (const model of Object.values(config.models)) {
      expect(model.faults.throttleBurstRate).toBe(0);
      expect(model.faults.contextTokens).toBeUndefined();
    }
  });
});
