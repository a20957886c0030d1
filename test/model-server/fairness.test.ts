// The simulator is a fair instrument: a meta model writes a hidden rule only when an example in the
// request shows it, merges lose lines like a model does, and unseeded samples are fresh draws.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { families } from '../../model-server/families/index.js';
import { hashString } from '../../model-server/base/prng.js';
import type { ModelServer } from '../../model-server/server/server.js';
import { conveys } from '../../model-server/families/cues.js';
import { combineSections, mergeKeepProbability, parseSections } from '../../model-server/sim/prompt-sections.js';
import { readMetaExamples } from '../../model-server/sim/meta-examples.js';
import { readMetaRequest } from '../../model-server/sim/meta-request.js';
import { buildRequestView } from '../../model-server/sim/request-view.js';
import { simulateReply } from '../../model-server/sim/simulate.js';
import { Rng } from '../../model-server/base/prng.js';
import { clientFor, startTestServer } from './helpers.js';

/** A seed prompt per family, worded the way a user would describe the task. */
const seedPrompts: Record<string, string> = {
  'ticket-routing': '## Task\nRoute each support ticket to the team that should handle it.',
  'seller-score': "## Task\nScore the seller's handling of the customer conversation from 0 to 10.",
  'shipping-address': "## Task\nExtract the shipping address from the customer's message.",
  'content-moderation': '## Task\nLabel the post with every platform policy it violates, or none.',
};

/** Meta requests without examples, in the shapes different clients send. */
function metaRequestsWithoutExamples(prompt: string, other: string): string[] {
  return [
    `Improve this prompt. Think about what the task needs.\n\n\`\`\`prompt\n${prompt}\n\`\`\`\n\nReturn the new prompt in a \`\`\`prompt block.`,
    `Mutation: rewrite the prompt below in a different way that may work better.\n<prompt>${prompt}</prompt>`,
    `Prompt 1:\n${prompt}\n\nPrompt 2:\n${other}\n\nCombine the two prompts into one new prompt.`,
    `[[ ## basic_instruction ## ]]\n${prompt}\n\nRespond with the corresponding output fields, starting with the field \`[[ ## proposed_instruction ## ]]\`, and then ending with the marker for \`[[ ## completed ## ]]\`.`,
  ];
}

describe('meta requests without examples', () => {
  it('never write a hidden rule, for any family, size, request shape or seed', () => {
    expect(families.map((f) => f.name).sort()).toEqual(Object.keys(seedPrompts).sort());
    for (const family of families) {
      const prompt = seedPrompts[family.name]!;
      const other = `${prompt}\nRead the whole input before deciding.\n\n## Output format\nRespond with JSON.`;
      const hidden = family.rules.filter((r) => r.kind === 'hidden');
      for (const r of hidden) expect(conveys(prompt, r.cues), `${family.name} seed conveys ${r.id}`).toBe(false);
      let replies = 0;
      for (const content of metaRequestsWithoutExamples(prompt, other)) {
        for (const size of ['large', 'small'] as const) {
          for (let seed = 0; seed < 150; seed++) {
            const messages = [{ role: 'user', text: content }];
            const reply = simulateReply({
              messages,
              responseFormat: undefined,
              temperature: 1,
              seed,
              choiceIndex: 0,
              requestHash: hashString(content),
              size,
            });
            replies++;
            // A real meta reply: the rewritten prompt keeps the section header.
            expect(reply).toContain('## Task');
            for (const r of hidden) {
              expect(conveys(reply, r.cues), `${family.name}/${size}/seed ${seed} wrote ${r.id}:\n${reply}`).toBe(
                false,
              );
              for (const s of r.statements) expect(reply).not.toContain(s);
            }
          }
        }
      }
      expect(replies).toBe(4 * 2 * 150);
    }
  });

  it('still make generic edits, so children differ from their parent', () => {
    const content = metaRequestsWithoutExamples(seedPrompts['ticket-routing']!, '')[0]!;
    const replies = new Set(
      Array.from({ length: 40 }, (_, seed) =>
        simulateReply({
          messages: [{ role: 'user', text: content }],
          responseFormat: undefined,
          temperature: 1,
          seed,
          choiceIndex: 0,
          requestHash: hashString(content),
          size: 'large',
        }),
      ),
    );
    expect(replies.size).toBeGreaterThan(3);
  });
});

describe('merging prompts is lossy', () => {
  const parent = (tag: string, n: number): string =>
    `## Task\nDo the ${tag} task.\n\n## Rules\n${Array.from({ length: n }, (_, i) => `- ${tag} rule number ${i + 1}.`).join('\n')}`;

  function survival(n: number): { rate: number; expected: number } {
    const parents = [parseSections(parent('alpha', n)), parseSections(parent('beta', n))];
    const bullets = 2 * n;
    let kept = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const child = combineSections(parents, new Rng(t + 1));
      kept += child.flatMap((s) => s.lines).filter((l) => l.startsWith('- ')).length;
    }
    return { rate: kept / (trials * bullets), expected: mergeKeepProbability(2 * (n + 1)) };
  }

  it('every parent loses lines, the first parent included, and long parents lose more', () => {
    const short = survival(3);
    const long = survival(25);
    expect(short.rate).toBeLessThan(0.97);
    expect(Math.abs(short.rate - short.expected)).toBeLessThan(0.04);
    expect(Math.abs(long.rate - long.expected)).toBeLessThan(0.04);
    expect(long.rate).toBeLessThan(short.rate - 0.2);
    // The first parent's rules are not privileged.
    const parents = [parseSections(parent('alpha', 6)), parseSections(parent('beta', 6))];
    const firstLost = Array.from({ length: 200 }, (_, t) => combineSections(parents, new Rng(t + 7))).filter(
      (child) => child.flatMap((s) => s.lines).filter((l) => l.includes('alpha rule')).length < 6,
    ).length;
    expect(firstLost).toBeGreaterThan(100);
  });

  it('keep probability: 0.95 − 0.01 × lines, at least 0.5', () => {
    expect(mergeKeepProbability(0)).toBeCloseTo(0.95);
    expect(mergeKeepProbability(20)).toBeCloseTo(0.75);
    expect(mergeKeepProbability(45)).toBeCloseTo(0.5);
    expect(mergeKeepProbability(200)).toBe(0.5);
  });

  it('a section never comes out empty', () => {
    const parents = [parseSections('## Task\nRoute the ticket.'), parseSections('## Task\nRoute it well.')];
    for (let t = 0; t < 200; t++) {
      const task = combineSections(parents, new Rng(t)).find((s) => s.header === 'Task');
      expect(task?.lines.some((l) => l.trim())).toBe(true);
    }
  });
});

describe('sampling', () => {
  let server: ModelServer;
  let client: OpenAI;
  // An unrecognised task: its wording has a dozen variants, so distinct samples show.
  const content = 'Say something about the weather.';

  beforeAll(async () => {
    server = await startTestServer();
    client = clientFor(server);
  });
  afterAll(() => server.close());

  const ask = async (options: { temperature: number; seed?: number }): Promise<string> =>
    (
      await client.chat.completions.create({
        model: 'sim-large',
        messages: [{ role: 'user', content }],
        ...options,
      })
    ).choices[0]!.message.content!;

  it('without a seed, the same request at temperature > 0 gets a fresh sample each time', async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, () => ask({ temperature: 1 })));
    // Unseeded draws are random: asking for many distinct replies would fail now and then; 30 equal
    // replies would mean the sample is fixed by the request.
    expect(new Set(replies).size).toBeGreaterThan(1);
  });

  it('with a seed, a retried request gets the same sample; other seeds get others', async () => {
    for (const seed of [1, 2, 3]) {
      const again = await Promise.all(Array.from({ length: 4 }, () => ask({ temperature: 1, seed })));
      expect(new Set(again).size).toBe(1);
    }
    const bySeed = await Promise.all(Array.from({ length: 30 }, (_, seed) => ask({ temperature: 1, seed })));
    expect(new Set(bySeed).size).toBeGreaterThan(5);
  });

  it('temperature 0 stays greedy, with or without a seed', async () => {
    const replies = await Promise.all([
      ask({ temperature: 0 }),
      ask({ temperature: 0 }),
      ask({ temperature: 0, seed: 9 }),
    ]);
    expect(new Set(replies).size).toBe(1);
  });
});

describe('DSPy request shapes read as well as any other', () => {
  it('reads a GEPA record whose feedback says the generated answer was correct', () => {
    const text = JSON.stringify([
      {
        Inputs: { ticket: 'My lawyer will be in touch about the broken router.' },
        'Generated Outputs': { label: 'escalation' },
        Feedback: 'Correct: the label is escalation.',
      },
      {
        Inputs: { ticket: 'Please cancel my subscription.' },
        'Generated Outputs': { label: 'billing' },
        Feedback: 'Incorrect: the correct label is account.',
      },
    ]);
    const examples = readMetaExamples(`examples_with_feedback: ${text}`);
    expect(examples.map((e) => e.expected)).toEqual([{ label: 'escalation' }, { label: 'account' }]);
  });

  it('rewrites the current instruction, not a merge of it with side fields such as additional instructions', () => {
    // GEPA's instruction proposer with additional_instructions, as DSPy 3.4's JSONAdapter sends it.
    const system = [
      'Your input fields are:',
      '1. `additional_instructions` (str): Additional requirements from the user for the new instruction. Follow them.',
      '2. `current_instruction` (str): The instructions I provided to the assistant.',
      '3. `examples_with_feedback` (list[dict[str, Any]]): ...',
      'Your output fields are:',
      '1. `new_instruction` (str): The new instruction for the assistant.',
      'All interactions will be structured in the following way, with the appropriate values filled in.',
      '',
      'Inputs will have the following structure:',
      '',
      '[[ ## additional_instructions ## ]]\n{additional_instructions}',
      '',
      '[[ ## current_instruction ## ]]\n{current_instruction}',
      '',
      '[[ ## examples_with_feedback ## ]]\n{examples_with_feedback}',
      '',
      'Outputs will be a JSON object with the following fields.',
      '',
      '{\n  "new_instruction": "{new_instruction}"\n}',
      'In adhering to this structure, your objective is: ',
      '        Your task is to write a new instruction for the assistant.',
    ].join('\n');
    const user = [
      '[[ ## additional_instructions ## ]]\nWrite instructions in imperative voice.',
      '[[ ## current_instruction ## ]]\nRoute the support ticket to the right team.',
      '[[ ## examples_with_feedback ## ]]\n[]',
      'Respond with a JSON object in the following order of fields: `new_instruction`.',
    ].join('\n\n');
    const meta = readMetaRequest(
      buildRequestView([
        { role: 'system', text: system },
        { role: 'user', text: user },
      ]),
    );
    expect(meta?.prompts).toEqual(['Route the support ticket to the right team.']);
  });
});
