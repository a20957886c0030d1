// Meta behaviour: rewrite / combine prompts, writing down rules that the shown failures illustrate.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchors } from '../../model-server/families/seller-rules.js';
import { readTicket } from '../../model-server/families/ticket-reader.js';
import { routingRules } from '../../model-server/families/ticket-routing.js';
import { conveys } from '../../model-server/families/cues.js';
import type { ModelServer } from '../../model-server/server/server.js';
import { accuracy, clientFor, dataset, predict, renderInputs, type Row, startTestServer } from './helpers.js';
import { routingSeed, scoringSeed } from './prompts.js';

const rule = (id: string) => routingRules.find((r) => r.id === id)!;

function reflectionRequest(prompt: string, failures: { row: Row; got: unknown }[]): string {
  const shown = failures
    .map(
      ({ row, got }) =>
        `Inputs:\n  ${renderInputs(row.inputs).split('\n').join('\n  ')}\nExpected: ${JSON.stringify(row.expected)}\nGot: ${JSON.stringify(got)}\nFeedback: wrong answer`,
    )
    .join('\n\n');
  return [
    'You improve prompts. Here is the current prompt:',
    '```prompt',
    prompt,
    '```',
    'It failed on these examples:',
    shown,
    'Write an improved prompt that fixes these failures. Keep the same ## section headers.',
    'Return exactly one new prompt inside a ```prompt fenced block.',
  ].join('\n');
}

const readFeatures = (row: Row) => readTicket(row.inputs['ticket'] ?? '');
const fencedPrompt = (content: string): string => /```prompt\n([\s\S]*?)\n```/.exec(content)?.[1] ?? '';

describe('meta behaviour', () => {
  let server: ModelServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startTestServer();
    client = clientFor(server);
  });
  afterAll(() => server.close());

  it('writes down a rule that the failures illustrate, keeping the section headers', async () => {
    const failures = dataset('ticket-routing', 300, 606)
      .filter((r) => rule('old-refund').fires(readFeatures(r)) && !readFeatures(r).legalThreat)
      .slice(0, 3)
      .map((row) => ({ row, got: { label: 'billing' } }));
    const completion = await client.chat.completions.create({
      model: 'sim-large',
      temperature: 0,
      messages: [{ role: 'user', content: reflectionRequest(routingSeed, failures) }],
    });
    const child = fencedPrompt(completion.choices[0]!.message.content!);
    expect(child).toContain('## Task');
    expect(child).toContain('## Output format');
    expect(child).toMatch(/## Rules\n- /);
    expect(conveys(child, rule('old-refund').cues)).toBe(true);
  });

  it('closes the loop: a child written from failures scores higher than its parent', async () => {
    const rows = dataset('ticket-routing', 80, 707);
    const predictions = await predict(client, 'sim-large', routingSeed, rows, 'label');
    const failures = rows
      .map((row, i) => ({ row, got: { label: predictions[i] } }))
      .filter((f) => f.got.label !== f.row.expected['label']);
    const completion = await client.chat.completions.create({
      model: 'sim-large',
      temperature: 0,
      messages: [{ role: 'user', content: reflectionRequest(routingSeed, failures.slice(0, 12)) }],
    });
    const child = fencedPrompt(completion.choices[0]!.message.content!);
    const parentScore = accuracy(predictions, rows, 'label');
    const childScore = accuracy(await predict(client, 'sim-large', child, rows, 'label'), rows, 'label');
    expect(childScore - parentScore, `parent ${parentScore}, child ${childScore}`).toBeGreaterThanOrEqual(0.1);
  });

  it("reads examples given as JSON records, as DSPy's GEPA sends them, and answers in DSPy's JSON field", async () => {
    const records = dataset('ticket-routing', 300, 606)
      .filter((r) => rule('old-refund').fires(readFeatures(r)) && !readFeatures(r).legalThreat)
      .slice(0, 3)
      .map((row) => ({
        Inputs: row.inputs,
        'Generated Outputs': { label: 'billing' },
        Feedback: `Wrong: the answer was 'billing', but the correct label is ${String(row.expected['label'])}.`,
      }));
    // As DSPy 3.4's GEPA asks for a new instruction (its proposal signature through the JSONAdapter).
    const system = [
      'Your input fields are:',
      '1. `current_instruction` (str): The instructions I provided to the assistant.',
      "2. `examples_with_feedback` (list[dict[str, Any]]): Task inputs provided to the assistant, the assistant's response for each, and feedback on how the response could be better.",
      'Your output fields are:',
      '1. `new_instruction` (str): The new instruction for the assistant.',
      'All interactions will be structured in the following way, with the appropriate values filled in.',
      '',
      'Inputs will have the following structure:',
      '',
      '[[ ## current_instruction ## ]]\n{current_instruction}\n\n[[ ## examples_with_feedback ## ]]\n{examples_with_feedback}',
      '',
      'Outputs will be a JSON object with the following fields.',
      '',
      '{\n  "new_instruction": "{new_instruction}"\n}',
      'In adhering to this structure, your objective is: ',
      "        I provided an assistant with instructions to perform a task for me. You are given those instructions, along with examples of different task inputs provided to the assistant, the assistant's response for each of them, and some feedback on how the assistant's response could be better.",
      '        Your task is to write a new instruction for the assistant.',
    ].join('\n');
    const user = [
      '[[ ## current_instruction ## ]]',
      'Route the support ticket to the right team.',
      '',
      '[[ ## examples_with_feedback ## ]]',
      JSON.stringify(records),
      '',
      'Respond with a JSON object in the following order of fields: `new_instruction`.',
    ].join('\n');
    const completion = await client.chat.completions.create({
      model: 'sim-large',
      temperature: 0,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
    });
    const reply = JSON.parse(completion.choices[0]!.message.content!) as { new_instruction: string };
    expect(reply.new_instruction).toContain('Route the support ticket to the right team.');
    expect(conveys(reply.new_instruction, rule('old-refund').cues)).toBe(true);
  });

  it("learns a rule from worked demos in a DSPy demos field, as MIPROv2's instruction proposer shows them", async () => {
    const demos = dataset('ticket-routing', 300, 606)
      .filter((r) => rule('old-refund').fires(readFeatures(r)) && !readFeatures(r).legalThreat)
      .slice(0, 3)
      .map((row) => `Ticket: ${row.inputs['ticket']}\nLabel: ${String(row.expected['label'])}`)
      .join('\n\n');
    const user = [
      '[[ ## task_demos ## ]]',
      demos,
      '',
      '[[ ## basic_instruction ## ]]',
      'Route the support ticket to the right team.',
      '',
      'Respond with the corresponding output fields, starting with the field `[[ ## proposed_instruction ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
    ].join('\n');
    const completion = await client.chat.completions.create({
      model: 'sim-large',
      temperature: 0,
      messages: [
        { role: 'system', content: 'Use the information below to learn about a task and propose an instruction.' },
        { role: 'user', content: user },
      ],
    });
    const content = completion.choices[0]!.message.content!;
    const proposed =
      /\[\[ ## proposed_instruction ## \]\]\n([\s\S]*?)\n\n\[\[ ## completed ## \]\]/.exec(content)?.[1] ?? '';
    expect(conveys(proposed, rule('old-refund').cues), content).toBe(true);
  });

  it('adds score anchors when the failures show hedged scores', async () => {
    const extreme = dataset('seller-score', 200, 808)
      .filter((r) => (r.expected['score'] as number) <= 2)
      .slice(0, 3);
    const completion = await client.chat.completions.create({
      model: 'sim-large',
      temperature: 0,
      messages: [
        {
          role: 'user',
          content: reflectionRequest(
            scoringSeed,
            extreme.map((row) => ({ row, got: { score: 7.6 } })),
          ),
        },
      ],
    });
    const child = fencedPrompt(completion.choices[0]!.message.content!);
    expect(conveys(child, anchors.low) || conveys(child, anchors.fullRange)).toBe(true);
  });

  it('combines several prompts (crossover), pooling their rule bullets, each kept with probability below 1', async () => {
    const a = `## Task\nRoute each ticket.\n\n## Rules\n- ${rule('legal-threat').statements[0]}`;
    const b = `## Task\nRoute every support ticket to a team.\n\n## Rules\n- ${rule('cancel-subscription').statements[0]}`;
    const request = `Prompt 1:\n${a}\n\nPrompt 2:\n${b}\n\nCombine the two prompts into one new prompt. Reply in a \`\`\`prompt block.`;
    const completions = await Promise.all(
      Array.from({ length: 40 }, (_, seed) =>
        client.chat.completions.create({
          model: 'sim-large',
          seed,
          temperature: 1,
          messages: [{ role: 'user', content: request }],
        }),
      ),
    );
    const children = completions.map((c) => fencedPrompt(c.choices[0]!.message.content!));
    for (const child of children) expect(child.startsWith('## Task')).toBe(true);
    // Four lines in all: each survives with probability 0.95 - 0.04 = 0.91.
    for (const id of ['legal-threat', 'cancel-subscription']) {
      const kept = children.filter((c) => conveys(c, rule(id).cues)).length;
      expect(kept, id).toBeGreaterThanOrEqual(30);
      expect(kept, id).toBeLessThan(40);
    }
  });

  it('answers in the requested field: json_schema property or DSPy output marker', async () => {
    const request = `Here is an instruction:\n<prompt>\nRoute each ticket to a team.\n</prompt>\nPropose a better instruction.`;
    const viaSchema = await client.chat.completions.create({
      model: 'sim-small',
      temperature: 0,
      messages: [{ role: 'user', content: request }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'proposal',
          schema: {
            type: 'object',
            properties: { reasoning: { type: 'string' }, new_instruction: { type: 'string' } },
          },
        },
      },
    });
    const parsed = JSON.parse(viaSchema.choices[0]!.message.content!);
    expect(parsed.new_instruction).toContain('Route');

    const dspy = [
      '[[ ## basic_instruction ## ]]',
      'Route each ticket to a team.',
      '',
      'Respond with the corresponding output fields, starting with the field `[[ ## proposed_instruction ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
    ].join('\n');
    const viaDspy = await client.chat.completions.create({
      model: 'sim-small',
      temperature: 0,
      messages: [
        { role: 'system', content: 'Your output fields are:\n1. `proposed_instruction` (str): a better instruction' },
        { role: 'user', content: dspy },
      ],
    });
    const content = viaDspy.choices[0]!.message.content!;
    expect(content).toMatch(/^\[\[ ## proposed_instruction ## \]\]\n[\s\S]*Route[\s\S]*\[\[ ## completed ## \]\]$/);
  });
});
