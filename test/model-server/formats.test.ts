// Input recognition and output format compliance: DSPy markers, JSON inputs, `name: value`
// replies, and the small model's prose when the prompt gives no format guidance.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServer } from '../../model-server/server/server.js';
import { clientFor, dataset, startTestServer } from './helpers.js';

describe('input recognition and output formats', () => {
  let server: ModelServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startTestServer();
    client = clientFor(server);
  });
  afterAll(() => server.close());

  const reply = async (model: string, messages: OpenAI.Chat.ChatCompletionMessageParam[]) =>
    (await client.chat.completions.create({ model, temperature: 0, messages })).choices[0]!.message.content!;

  it('answers a DSPy chat-adapter request with its output markers', async () => {
    const system = [
      'Your input fields are:',
      '1. `ticket` (str):',
      'Your output fields are:',
      '1. `reasoning` (str):',
      "2. `label` (Literal['billing', 'technical', 'shipping', 'account', 'escalation']):",
      'All interactions will be structured in the following way, with the appropriate values filled in.',
      '',
      '[[ ## ticket ## ]]\n{ticket}\n\n[[ ## reasoning ## ]]\n{reasoning}\n\n[[ ## label ## ]]\n{label}\n\n[[ ## completed ## ]]',
      'In adhering to this structure, your objective is: ',
      '        Route each ticket to the team that should handle it.',
    ].join('\n');
    const user = [
      '[[ ## ticket ## ]]',
      'The courier left my parcel at the wrong house.',
      '',
      'Respond with the corresponding output fields, starting with the field `[[ ## reasoning ## ]]`, then `[[ ## label ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
    ].join('\n');
    const content = await reply('sim-large', [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ]);
    expect(content).toMatch(
      /^\[\[ ## reasoning ## \]\]\n.+\n\n\[\[ ## label ## \]\]\nshipping\n\n\[\[ ## completed ## \]\]$/,
    );
  });

  it("answers a DSPy JSON-adapter request with a JSON object of DSPy's output fields", async () => {
    // As DSPy 3.4's JSONAdapter writes it when the endpoint is not known to take response_format.
    const system = [
      'Your input fields are:',
      "1. `ticket` (str): The customer's message.",
      'Your output fields are:',
      "1. `label` (Literal['billing', 'technical', 'shipping', 'account', 'escalation']):",
      'All interactions will be structured in the following way, with the appropriate values filled in.',
      '',
      'Inputs will have the following structure:',
      '',
      '[[ ## ticket ## ]]\n{ticket}',
      '',
      'Outputs will be a JSON object with the following fields.',
      '',
      '{\n  "label": "{label}        # note: the value you produce must exactly match (no extra characters) one of: billing; technical; shipping; account; escalation"\n}',
      'In adhering to this structure, your objective is: ',
      '        Route the support ticket to the right team.',
    ].join('\n');
    const user = [
      '[[ ## ticket ## ]]',
      'The courier left my parcel at the wrong house.',
      '',
      "Respond with a JSON object in the following order of fields: `label` (must be formatted as a valid Python Literal['billing', 'technical', 'shipping', 'account', 'escalation']).",
    ].join('\n');
    const content = await reply('sim-large', [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ]);
    expect(JSON.parse(content)).toEqual({ label: 'shipping' });
  });

  it('reads a JSON object as inputs and answers in `name: value` lines when no format is asked', async () => {
    const content = await reply('sim-large', [
      { role: 'system', content: 'Route each ticket to the team that should handle it. Give the label.' },
      { role: 'user', content: JSON.stringify({ ticket: 'How do I change the email address on my account?' }) },
    ]);
    expect(content).toBe('label: account');
  });

  it('uses the field names the prompt asks for', async () => {
    const content = await reply('sim-large', [
      { role: 'system', content: 'Score the seller.\n\n## Output format\nReturn JSON with "rating" (0-10) and "why".' },
      { role: 'user', content: `conversation: ${dataset('seller-score', 1, 1)[0]!.inputs['conversation']}` },
    ]);
    const parsed = JSON.parse(content) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['rating', 'why']);
    expect(typeof parsed.rating).toBe('number');
  });

  it('without any format guidance, the small model sometimes answers in prose; the large one rarely', async () => {
    const rows = dataset('ticket-routing', 60, 909);
    const strict = /^label: \w+$/;
    const unparseable = async (model: string) => {
      const replies = await Promise.all(
        rows.map((r) =>
          reply(model, [
            { role: 'system', content: 'Route the ticket to a team.' },
            { role: 'user', content: `ticket: ${r.inputs['ticket']}` },
          ]),
        ),
      );
      return replies.filter((c) => !strict.test(c)).length;
    };
    const small = await unparseable('sim-small');
    const large = await unparseable('sim-large');
    expect(small).toBeGreaterThanOrEqual(6);
    expect(large).toBeLessThan(small / 2);
  });
});
