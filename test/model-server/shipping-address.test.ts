// The shipping-address family: free-text extraction scored by token F1. The plain prompt copies
// what the customer wrote; stating the hidden rules or showing demos that illustrate them lifts F1.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenF1 as coreTokenF1 } from '../../core/metrics/token-f1.js';
import { readAddressMessage, tokenF1, writeAddress } from '../../model-server/families/address-reader.js';
import { addressRules, rulesThatFire, trueAddress } from '../../model-server/families/shipping-address.js';
import { detectFamily, families } from '../../model-server/families/index.js';
import type { ModelServer } from '../../model-server/server/server.js';
import { conveys } from '../../model-server/families/cues.js';
import { clientFor, dataset, predict, type Row, startTestServer } from './helpers.js';

const seedPrompt = `## Task
Extract the shipping address from the customer's message.

## Output format
Respond with a JSON object with the field "address" (string).`;
const hidden = addressRules.filter((r) => r.kind === 'hidden');
const withRules = seedPrompt.replace(
  '## Output format',
  `## Rules\n${hidden.map((r) => `- ${r.statements[0]}`).join('\n')}\n\n## Output format`,
);
const meanF1 = (predictions: unknown[], rows: Row[]): number =>
  predictions.reduce<number>((sum, p, i) => sum + coreTokenF1(p ?? '', rows[i]!.expected['address']), 0) / rows.length;
const fires = (row: Row, id: string): boolean => rulesThatFire(readAddressMessage(row.inputs['message']!)).includes(id);

describe('shipping-address family', () => {
  let server: ModelServer;
  let client: OpenAI;
  const rows = dataset('shipping-address', 80, 31);

  beforeAll(async () => {
    server = await startTestServer();
    client = clientFor(server);
  });
  afterAll(() => server.close());

  it('has at least six hidden rules and some decoys; every statement conveys its own rule and no other', () => {
    expect(hidden.length).toBeGreaterThanOrEqual(6);
    expect(addressRules.filter((r) => r.kind === 'decoy').length).toBeGreaterThanOrEqual(3);
    const all = families.flatMap((f) => f.rules);
    for (const rule of addressRules) {
      for (const s of rule.statements)
        expect(all.filter((r) => conveys(s, r.cues)).map((r) => r.id)).toEqual([rule.id]);
    }
    expect(hidden.filter((r) => conveys(seedPrompt, r.cues))).toEqual([]);
  });

  it('generated messages are recognised as this family, and other families are not', () => {
    for (const row of rows) expect(detectFamily(row.inputs)?.name).toBe('shipping-address');
    for (const name of ['ticket-routing', 'seller-score']) {
      for (const row of dataset(name, 100, 32)) expect(detectFamily(row.inputs)?.name).toBe(name);
    }
  });

  it('token F1 is the metric: the truth scores 1, each rule-shaped mistake costs words', () => {
    let mistakes = 0;
    for (const row of rows) {
      const m = readAddressMessage(row.inputs['message']!);
      expect(trueAddress(m)).toBe(row.expected['address']);
      expect(coreTokenF1(trueAddress(m), row.expected['address'])).toBe(1);
      for (const id of rulesThatFire(m)) {
        const wrong = writeAddress(m, new Set(hidden.map((r) => r.id).filter((h) => h !== id)));
        const f1 = coreTokenF1(wrong, row.expected['address']);
        expect(f1, `${id}: ${wrong}`).toBeLessThan(1);
        // The simulator reads F1 the same way the product's metric computes it.
        expect(tokenF1(wrong, trueAddress(m))).toBeCloseTo(f1, 10);
        mistakes++;
      }
    }
    expect(mistakes).toBeGreaterThan(rows.length);
  });

  it('every hidden rule decides some examples, and some rules are rare', () => {
    const big = dataset('shipping-address', 400, 33);
    const share = (id: string) => big.filter((r) => fires(r, id)).length / big.length;
    for (const r of hidden) expect(share(r.id), r.id).toBeGreaterThan(0.05);
    expect(hidden.filter((r) => share(r.id) < 0.2).length).toBeGreaterThanOrEqual(2);
  });

  it('stating the hidden rules beats the plain seed prompt by at least 0.15 F1, on both models', async () => {
    for (const model of ['sim-large', 'sim-small']) {
      const seed = meanF1(await predict(client, model, seedPrompt, rows, 'address'), rows);
      const ruled = meanF1(await predict(client, model, withRules, rows, 'address'), rows);
      expect(ruled - seed, `${model}: seed ${seed}, with rules ${ruled}`).toBeGreaterThanOrEqual(0.15);
      expect(seed).toBeLessThan(0.8);
    }
  });

  it('a stated decoy costs F1', async () => {
    const decoyed = seedPrompt.replace(
      '## Output format',
      '## Rules\n- Always end the address with the country, USA.\n\n## Output format',
    );
    const seed = meanF1(await predict(client, 'sim-large', seedPrompt, rows, 'address'), rows);
    const worse = meanF1(await predict(client, 'sim-large', decoyed, rows, 'address'), rows);
    expect(seed - worse).toBeGreaterThan(0.02);
  });

  it('demos illustrating a rule teach it: one for the large model, two for the small one', async () => {
    const cases = dataset('shipping-address', 400, 34)
      .filter((r) => fires(r, 'recipient-name'))
      .slice(0, 30);
    const demos = dataset('shipping-address', 200, 35)
      .filter((r) => fires(r, 'recipient-name'))
      .slice(0, 2)
      .map((r) => ({ inputs: r.inputs, outputs: r.expected }));
    const f1 = async (model: string, n: number) =>
      meanF1(await predict(client, model, seedPrompt, cases, 'address', demos.slice(0, n)), cases);
    const large0 = await f1('sim-large', 0);
    const large1 = await f1('sim-large', 1);
    const small1 = await f1('sim-small', 1);
    const small2 = await f1('sim-small', 2);
    expect(large1 - large0, `large: no demo ${large0}, one demo ${large1}`).toBeGreaterThan(0.05);
    expect(small2 - small1, `small: one demo ${small1}, two demos ${small2}`).toBeGreaterThan(0.05);
  });

  it("a meta model writes a rule down when a failure's expected address shows it (feedback in prose)", async () => {
    const failures = dataset('shipping-address', 300, 36)
      .filter((r) => fires(r, 'separate-unit'))
      .slice(0, 3)
      .map((r) => ({
        Inputs: r.inputs,
        'Generated Outputs': { address: 'wrong' },
        Feedback: `Wrong: the answer was 'wrong', but the correct address is ${String(r.expected['address'])}.`,
      }));
    const content = [
      'I gave an assistant this instruction:',
      '```prompt',
      seedPrompt,
      '```',
      `Examples with feedback: ${JSON.stringify(failures)}`,
      'Write a new, improved instruction in a ```prompt block.',
    ].join('\n');
    const completion = await client.chat.completions.create({
      model: 'sim-large',
      temperature: 0,
      messages: [{ role: 'user', content }],
    });
    const reply = completion.choices[0]!.message.content!;
    expect(conveys(reply, addressRules.find((r) => r.id === 'separate-unit')!.cues), reply).toBe(true);
  });
});
