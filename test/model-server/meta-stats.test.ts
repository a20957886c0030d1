// GET /stats counts, per model, the requests that ask for a new prompt (meta requests) and those of
// them that show task examples, whoever sends them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServer } from '../../model-server/server/server.js';
import type { ModelStats } from '../../model-server/server/stats.js';
import { clientFor, startTestServer } from './helpers.js';

const seed = 'Route the support ticket to the right team.';
const withExamples = [
  'You improve prompts. Here is the current prompt:',
  '```prompt',
  seed,
  '```',
  'It failed on these examples:',
  'Inputs:\n  ticket: I was charged twice this month.\nExpected: {"label":"billing"}\nGot: {"label":"account"}\nFeedback: wrong answer',
  'Write an improved prompt that fixes these failures.',
  'Return exactly one new prompt inside a ```prompt fenced block.',
].join('\n');
const withoutExamples = ['Rewrite this prompt to be clearer:', '```prompt', seed, '```'].join('\n');

describe('meta request counts in /stats', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('counts meta requests and those carrying examples, apart from task requests', async () => {
    const client = clientFor(server);
    const ask = (content: string) =>
      client.chat.completions.create({ model: 'sim-large', temperature: 0, messages: [{ role: 'user', content }] });
    await ask(withExamples);
    await ask(withoutExamples);
    await ask('ticket: My parcel never arrived.');
    const stats = (await (await fetch(`${server.url}/stats`)).json()) as { models: Record<string, ModelStats> };
    expect(stats.models['sim-large']).toMatchObject({ requests: 3, metaRequests: 2, metaRequestsWithExamples: 1 });
  });
});
