// The OpenAI-compatible surface, exercised with the real `openai` client (and curl).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServer } from '../../model-server/server/server.js';
import { clientFor, simModels, startTestServer, taskMessages } from './helpers.js';
import { routingSeed } from './prompts.js';

const ticket = { ticket: 'The app crashes whenever I open the settings page.' };

describe('model server API', () => {
  let server: ModelServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startTestServer({ models: simModels });
    client = clientFor(server);
  });
  afterAll(() => server.close());

  it('lists its models', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['sim-large', 'sim-small']);
  });

  it('answers a chat completion with OpenAI-shaped usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-large',
      temperature: 0,
      messages: taskMessages(routingSeed, ticket),
    });
    expect(completion.object).toBe('chat.completion');
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ label: 'technical' });
    const usage = completion.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan(10);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('honours a json_schema response_format, mapping the answer onto the schema', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-small',
      temperature: 0,
      messages: [
        { role: 'system', content: 'Route each ticket.' },
        { role: 'user', content: 'ticket: My package has not arrived and the tracking page has not changed.' },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'routing',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              reasoning: { type: 'string' },
              team: { type: 'string', enum: ['Billing', 'Technical', 'Shipping', 'Account', 'Escalation'] },
              confidence: { type: 'number' },
            },
            required: ['reasoning', 'team', 'confidence'],
            additionalProperties: false,
          },
        },
      },
    });
    const parsed = JSON.parse(completion.choices[0]!.message.content!) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['reasoning', 'team', 'confidence']);
    expect(parsed.team).toBe('Shipping');
    expect(typeof parsed.reasoning).toBe('string');
    expect(typeof parsed.confidence).toBe('number');
  });

  it('streams when asked, with usage in the final chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'sim-large',
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
      messages: taskMessages(routingSeed, ticket),
    });
    let text = '';
    let total = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      total = chunk.usage?.total_tokens ?? total;
    }
    expect(JSON.parse(text)).toEqual({ label: 'technical' });
    expect(total).toBeGreaterThan(0);
  });

  it('is deterministic: same request, same answer; temperature 0 ignores the seed', async () => {
    const ask = (seed: number, temperature: number) =>
      client.chat.completions.create({
        model: 'sim-small',
        seed,
        temperature,
        messages: [{ role: 'user', content: 'Say something.' }],
      });
    const a = await ask(1, 0.8);
    const b = await ask(1, 0.8);
    expect(a.choices[0]!.message.content).toBe(b.choices[0]!.message.content);
    const greedy = await Promise.all([1, 2, 3].map((s) => ask(s, 0)));
    expect(new Set(greedy.map((c) => c.choices[0]!.message.content)).size).toBe(1);
  });

  it('samples differently for different seeds and choice indexes when temperature > 0', async () => {
    const bySeed = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
        client.chat.completions.create({
          model: 'sim-small',
          seed,
          temperature: 1,
          messages: [{ role: 'user', content: 'Say something.' }],
        }),
      ),
    );
    expect(new Set(bySeed.map((c) => c.choices[0]!.message.content)).size).toBeGreaterThan(1);
    const many = await client.chat.completions.create({
      model: 'sim-small',
      n: 8,
      temperature: 1,
      messages: [{ role: 'user', content: 'Say something.' }],
    });
    expect(many.choices).toHaveLength(8);
    expect(new Set(many.choices.map((c) => c.message.content)).size).toBeGreaterThan(1);
  });

  it('answers 404 for an unknown model and 400 for a bad request, in the OpenAI error shape', async () => {
    const missing = await client.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((missing as Error).message).toContain('sim-large');

    const bad = await client.chat.completions
      .create({ model: 'sim-large', messages: [], temperature: 0 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');

    const unknownArg = await client.chat.completions
      .create({ model: 'sim-large', messages: [{ role: 'user', content: 'hi' }], bogus: 1 } as never)
      .catch((e: unknown) => e);
    expect(unknownArg).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknownArg as Error).message).toContain('bogus');
  });

  it('serves a client that is not ours (curl)', async () => {
    const body = JSON.stringify({ model: 'sim-large', temperature: 0, messages: taskMessages(routingSeed, ticket) });
    const { stdout } = await promisify(execFile)('curl', [
      '-sS',
      '-H',
      'Content-Type: application/json',
      '-d',
      body,
      `${server.url}/v1/chat/completions`,
    ]);
    const parsed = JSON.parse(stdout) as {
      choices: { message: { role: string; content: string } }[];
      usage: { total_tokens: number };
    };
    expect(parsed.choices[0]!.message.role).toBe('assistant');
    expect(JSON.parse(parsed.choices[0]!.message.content)).toEqual({ label: 'technical' });
    expect(parsed.usage.total_tokens).toBeGreaterThan(0);
  });

  it('counts every request per model and status, and resets', async () => {
    await fetch(`${server.url}/stats/reset`, { method: 'POST' });
    await client.chat.completions.create({ model: 'sim-small', messages: [{ role: 'user', content: 'one' }] });
    await client.chat.completions.create({ model: 'sim-small', messages: [{ role: 'user', content: 'two' }] });
    await client.chat.completions
      .create({ model: 'missing', messages: [{ role: 'user', content: 'x' }] })
      .catch(() => undefined);
    const stats = (await (await fetch(`${server.url}/stats`)).json()) as {
      models: Record<string, { requests: number; byStatus: Record<string, number>; totalTokens: number }>;
    };
    expect(stats.models['sim-small']).toMatchObject({ requests: 2, byStatus: { '200': 2 } });
    expect(stats.models['sim-small']!.totalTokens).toBeGreaterThan(0);
    expect(stats.models['missing']).toMatchObject({ requests: 1, byStatus: { '404': 1 } });
    const log = (await (await fetch(`${server.url}/stats/requests?model=sim-small`)).json()) as {
      t: number;
      status: number;
      promptTokens: number;
    }[];
    expect(log).toHaveLength(2);
    expect(log.every((r) => r.status === 200 && r.promptTokens > 0 && r.t >= 0)).toBe(true);
  });
});

describe('model server authentication', () => {
  it('answers 401 when the config sets an apiKey and the Bearer key is wrong or missing', async () => {
    const server = await startTestServer({ apiKey: 'right-key', models: simModels });
    try {
      const wrong = await clientFor(server, { apiKey: 'wrong-key' })
        .chat.completions.create({ model: 'sim-large', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
      const missing = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'sim-large', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
      const right = await clientFor(server, { apiKey: 'right-key' }).chat.completions.create({
        model: 'sim-large',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(right.choices).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('every route, counters and health included, answers 401 without the key and serves with it', async () => {
    const server = await startTestServer({ apiKey: 'right-key', models: simModels });
    const routes: [string, string][] = [
      ['GET', '/v1/models'],
      ['GET', '/stats'],
      ['GET', '/stats/requests?model=sim-large'],
      ['POST', '/stats/reset'],
      ['GET', '/health'],
      ['GET', '/no-such-route'],
    ];
    try {
      for (const [method, path] of routes) {
        for (const authorization of [undefined, 'Bearer wrong-key', 'right-key', 'Bearer right-key-and-more']) {
          const headers: Record<string, string> = authorization ? { authorization } : {};
          const response = await fetch(`${server.url}${path}`, { method, headers });
          expect(response.status, `${method} ${path} with ${authorization ?? 'no key'}`).toBe(401);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
        }
        const ok = await fetch(`${server.url}${path}`, { method, headers: { authorization: 'Bearer right-key' } });
        expect(ok.status, `${method} ${path} with the key`).toBe(path === '/no-such-route' ? 404 : 200);
      }
    } finally {
      await server.close();
    }
  });
});
