// The content-moderation family: multi-label policy tagging scored by token F1. The plain prompt tags
// by keywords; stating the hidden rules or showing demos that illustrate them lifts F1, decoys cost
// it, precedence rules interact with the others, and a meta model learns a rule only from a shown
// example that illustrates it.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenF1 as coreTokenF1 } from '../../core/metrics/token-f1.js';
import { rulesThatFire, trueLabels } from '../../model-server/families/content-moderation.js';
import { detectFamily, families } from '../../model-server/families/index.js';
import { labelText, readPost, writeLabels } from '../../model-server/families/moderation-reader.js';
import { moderationRules } from '../../model-server/families/moderation-rules.js';
import type { ModelServer } from '../../model-server/server/server.js';
import { hashString } from '../../model-server/base/prng.js';
import { conveys } from '../../model-server/families/cues.js';
import { simulateReply } from '../../model-server/sim/simulate.js';
import { clientFor, dataset, predict, type Row, startTestServer } from './helpers.js';

const seedPrompt = `## Task
Label the post with every platform policy it violates (spam, scam, harassment, hate, violence, selfharm, drugs, weapons, privacy, counterfeit), or none if it violates no policy.

## Output format
Respond with a JSON object with the field "violations" (string).`;
const hidden = moderationRules.filter((r) => r.kind === 'hidden');
const hiddenIds = hidden.map((r) => r.id);
const withRules = (statements: readonly string[]): string =>
  seedPrompt.replace('## Output format', `## Rules\n${statements.map((s) => `- ${s}`).join('\n')}\n\n## Output format`);
const statementOf = (id: string): string => moderationRules.find((r) => r.id === id)!.statements[0]!;
const meanF1 = (predictions: unknown[], rows: Row[]): number =>
  predictions.reduce<number>((sum, p, i) => sum + coreTokenF1(p ?? '', rows[i]!.expected['violations']), 0) /
  rows.length;
const fires = (row: Row, id: string): boolean => rulesThatFire(readPost(row.inputs['post']!)).includes(id);

describe('content-moderation family', () => {
  let server: ModelServer;
  let client: OpenAI;
  const rows = dataset('content-moderation', 120, 41);

  beforeAll(async () => {
    server = await startTestServer();
    client = clientFor(server);
  });
  afterAll(() => server.close());

  it('has many hidden rules and some decoys; every statement conveys its own rule and no other', () => {
    expect(hidden.length).toBeGreaterThanOrEqual(14);
    expect(moderationRules.filter((r) => r.kind === 'decoy').length).toBeGreaterThanOrEqual(3);
    const all = families.flatMap((f) => f.rules);
    for (const rule of moderationRules) {
      for (const s of rule.statements)
        expect(all.filter((r) => conveys(s, r.cues)).map((r) => r.id)).toEqual([rule.id]);
    }
    expect(moderationRules.filter((r) => conveys(seedPrompt, r.cues))).toEqual([]);
  });

  it('generated posts are recognised as this family (by field name, and by content alone for rule cases); other families keep theirs', () => {
    const big = dataset('content-moderation', 600, 42);
    for (const row of big) expect(detectFamily(row.inputs)?.name).toBe('content-moderation');
    // Content alone: a post under a generic field name is recognised when it shows two policy situations.
    expect(detectFamily({ input: 'You clown. I know where you live.' })?.name).toBe('content-moderation');
    expect(detectFamily({ input: 'What is the capital of France?' })).toBeUndefined();
    for (const name of ['ticket-routing', 'seller-score', 'shipping-address']) {
      for (const row of dataset(name, 150, 43)) expect(detectFamily(row.inputs)?.name).toBe(name);
    }
  });

  it('token F1 is the metric: the truth scores 1, each rule-shaped mistake costs F1', () => {
    let mistakes = 0;
    for (const row of rows) {
      const f = readPost(row.inputs['post']!);
      expect(trueLabels(f)).toBe(row.expected['violations']);
      for (const id of rulesThatFire(f)) {
        const wrong = labelText(writeLabels(f, new Set(hiddenIds.filter((h) => h !== id))));
        expect(coreTokenF1(wrong, row.expected['violations']), `${id}: ${wrong}`).toBeLessThan(1);
        mistakes++;
      }
    }
    expect(mistakes).toBeGreaterThan(rows.length / 2);
  });

  it('every hidden rule decides some posts; at least six are rare (under 3%), and at least one post needs two rules', () => {
    const big = dataset('content-moderation', 1500, 44);
    const share = (id: string): number => big.filter((r) => fires(r, id)).length / big.length;
    for (const r of hidden) expect(share(r.id), r.id).toBeGreaterThan(0.008);
    expect(hidden.filter((r) => share(r.id) < 0.03).length).toBeGreaterThanOrEqual(6);
    expect(big.some((r) => rulesThatFire(readPost(r.inputs['post']!)).length >= 2)).toBe(true);
  });

  it('rules interact: a precedence rule without the exception it yields to makes the answer worse', () => {
    // "Our raid leader is a clown, but we will still kill the raid boss tonight": the insult stands,
    // the game talk is no threat. Applying threat-over-insult without game-violence drops the insult.
    const f = readPost('Our raid leader is a clown, but we will still kill the raid boss tonight.');
    const truth = trueLabels(f);
    expect(truth).toBe('harassment');
    const keywordsOnly = labelText(writeLabels(f, new Set()));
    const precedenceOnly = labelText(writeLabels(f, new Set(['threat-over-insult'])));
    expect(coreTokenF1(precedenceOnly, truth)).toBeLessThan(coreTokenF1(keywordsOnly, truth));
  });

  it('stating the hidden rules beats the plain seed prompt by at least 0.3 F1, on both models', async () => {
    for (const model of ['sim-large', 'sim-small']) {
      const seed = meanF1(await predict(client, model, seedPrompt, rows, 'violations'), rows);
      const ruled = meanF1(
        await predict(client, model, withRules(hidden.map((r) => r.statements[0]!)), rows, 'violations'),
        rows,
      );
      expect(ruled - seed, `${model}: seed ${seed}, with rules ${ruled}`).toBeGreaterThanOrEqual(0.3);
      expect(seed).toBeLessThan(0.5);
    }
  });

  it('each stated decoy costs F1, and all four together cost more than 0.05', async () => {
    const decoys = moderationRules.filter((r) => r.kind === 'decoy');
    const base = withRules(hidden.map((r) => r.statements[0]!));
    const top = meanF1(await predict(client, 'sim-large', base, rows, 'violations'), rows);
    for (const d of decoys) {
      const prompt = withRules([...hidden.map((r) => r.statements[0]!), d.statements[0]!]);
      const f1 = meanF1(await predict(client, 'sim-large', prompt, rows, 'violations'), rows);
      expect(f1, d.id).toBeLessThan(top);
    }
    const all = withRules([...hidden.map((r) => r.statements[0]!), ...decoys.map((d) => d.statements[0]!)]);
    expect(top - meanF1(await predict(client, 'sim-large', all, rows, 'violations'), rows)).toBeGreaterThan(0.05);
  });

  it('demos illustrating a rule teach it: one for the large model, two for the small one', async () => {
    const cases = dataset('content-moderation', 600, 45)
      .filter((r) => fires(r, 'gift-card-payment'))
      .slice(0, 25);
    const demos = dataset('content-moderation', 300, 46)
      .filter((r) => fires(r, 'gift-card-payment'))
      .slice(0, 2)
      .map((r) => ({ inputs: r.inputs, outputs: r.expected }));
    const f1 = async (model: string, n: number): Promise<number> =>
      meanF1(await predict(client, model, seedPrompt, cases, 'violations', demos.slice(0, n)), cases);
    const large0 = await f1('sim-large', 0);
    const large1 = await f1('sim-large', 1);
    const small1 = await f1('sim-small', 1);
    const small2 = await f1('sim-small', 2);
    expect(large1 - large0, `large: no demo ${large0}, one demo ${large1}`).toBeGreaterThan(0.3);
    expect(small2 - small1, `small: one demo ${small1}, two demos ${small2}`).toBeGreaterThan(0.2);
  });

  async function metaReply(examples: object[]): Promise<string> {
    const content = [
      'I gave an assistant this instruction:',
      '```prompt',
      seedPrompt,
      '```',
      `Examples with feedback: ${JSON.stringify(examples)}`,
      'Write a new, improved instruction in a ```prompt block.',
    ].join('\n');
    const completion = await client.chat.completions.create({
      model: 'sim-large',
      temperature: 0,
      messages: [{ role: 'user', content }],
    });
    return completion.choices[0]!.message.content!;
  }

  it("a meta model writes a rule down when a failure's expected violations show it, and only that rule", async () => {
    const failures = dataset('content-moderation', 600, 47)
      .filter((r) => fires(r, 'replicas') && rulesThatFire(readPost(r.inputs['post']!)).length === 1)
      .slice(0, 3)
      .map((r) => ({
        Inputs: r.inputs,
        'Generated Outputs': { violations: 'none' },
        Feedback: `Wrong: the answer was 'none', but the correct violations is ${String(r.expected['violations'])}.`,
      }));
    expect(failures.length).toBe(3);
    const reply = await metaReply(failures);
    const written = hidden.filter((r) => conveys(reply, r.cues)).map((r) => r.id);
    expect(written, reply).toEqual(['replicas']);
    expect(reply).not.toContain(statementOf('crypto-doubling'));
  });

  it('a meta model learns nothing from examples whose expected violations do not show the rule', async () => {
    // The same posts, but the expected answer is the keyword tagger's: no rule is illustrated.
    const unhelpful = dataset('content-moderation', 600, 48)
      .filter((r) => fires(r, 'replicas'))
      .slice(0, 3)
      .map((r) => ({
        Inputs: r.inputs,
        Expected: { violations: labelText(writeLabels(readPost(r.inputs['post']!), new Set())) },
        'Generated Outputs': { violations: 'spam' },
        Feedback: 'Wrong.',
      }));
    const reply = await metaReply(unhelpful);
    expect(
      hidden.filter((r) => conveys(reply, r.cues)).map((r) => r.id),
      reply,
    ).toEqual([]);
  });

  it('one illustrating example teaches alike in every client layout (labelled blocks, GEPA JSON and markdown, MIPROv2 demos)', () => {
    const row = dataset('content-moderation', 600, 49).find(
      (r) => fires(r, 'replicas') && rulesThatFire(readPost(r.inputs['post']!)).length === 1,
    )!;
    const post = row.inputs['post']!;
    const truth = String(row.expected['violations']);
    const feedback = `Wrong: the answer was 'none', but the correct violations is ${truth}.`;
    const fenced = `\`\`\`prompt\n${seedPrompt}\n\`\`\``;
    const layouts: Record<string, string> = {
      labelled: `Improve this prompt.\n${fenced}\nInputs:\n  post: ${post}\nExpected:\n  violations: ${truth}\nGot:\n  violations: none`,
      gepaJson: `Improve this prompt.\n${fenced}\nExamples: ${JSON.stringify([{ Inputs: { post }, 'Generated Outputs': { violations: 'none' }, Feedback: feedback }])}`,
      gepaMarkdown: `Improve this prompt.\n${fenced}\n# Example 1\n## Inputs\n### post\n${post}\n\n## Generated Outputs\n### violations\nnone\n\n## Feedback\n${feedback}\n`,
      miproDemos: `[[ ## task_demos ## ]]\nPost: ${post}\nViolations: ${truth}\n\n[[ ## basic_instruction ## ]]\n${seedPrompt}\n\nRespond with the corresponding output fields, starting with the field \`[[ ## proposed_instruction ## ]]\`, and then ending with the marker for \`[[ ## completed ## ]]\`.`,
    };
    const replicas = hidden.find((r) => r.id === 'replicas')!;
    const uptake = Object.fromEntries(
      Object.entries(layouts).map(([name, content]) => {
        let taught = 0;
        for (let seed = 0; seed < 200; seed++) {
          const reply = simulateReply({
            messages: [{ role: 'user', text: content }],
            responseFormat: undefined,
            temperature: 1,
            seed,
            choiceIndex: 0,
            requestHash: hashString(content),
            size: 'large',
          });
          if (conveys(reply, replicas.cues)) taught++;
        }
        return [name, taught / 200];
      }),
    );
    for (const [name, rate] of Object.entries(uptake)) {
      expect(rate, `${name}: ${JSON.stringify(uptake)}`).toBeGreaterThan(0.75);
      expect(rate, `${name}: ${JSON.stringify(uptake)}`).toBeLessThan(0.95);
    }
  });
});
