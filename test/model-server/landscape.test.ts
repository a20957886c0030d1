// The simulated landscape is real: prompts that convey the hidden rules score clearly higher,
// the small model scores lower than the large one, demos illustrating a rule help, and the
// seller-score family compresses scores unless anchors push it out.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routingRules } from '../../model-server/families/ticket-routing.js';
import { readTicket, ticketText } from '../../model-server/families/ticket-reader.js';
import type { ModelServer } from '../../model-server/server/server.js';
import { accuracy, clientFor, dataset, predict, startTestServer, stdev } from './helpers.js';
import { routingSeed, routingWithRules, scoringSeed, scoringWithAnchors } from './prompts.js';

describe('ticket-routing landscape', () => {
  let server: ModelServer;
  let client: OpenAI;
  const rows = dataset('ticket-routing', 60, 101);

  beforeAll(async () => {
    server = await startTestServer();
    client = clientFor(server);
  });
  afterAll(() => server.close());

  it('an instruction stating the hidden rules beats the plain seed by at least 0.15 accuracy', async () => {
    for (const model of ['sim-large', 'sim-small']) {
      const seed = accuracy(await predict(client, model, routingSeed, rows, 'label'), rows, 'label');
      const ruled = accuracy(await predict(client, model, routingWithRules, rows, 'label'), rows, 'label');
      expect(ruled - seed, `${model}: seed ${seed}, with rules ${ruled}`).toBeGreaterThanOrEqual(0.15);
    }
  });

  it('sim-small scores lower than sim-large on the same prompt (by at least 6 of 120 examples)', async () => {
    const more = dataset('ticket-routing', 120, 102);
    for (const prompt of [routingSeed, routingWithRules]) {
      const large = accuracy(await predict(client, 'sim-large', prompt, more, 'label'), more, 'label') * more.length;
      const small = accuracy(await predict(client, 'sim-small', prompt, more, 'label'), more, 'label') * more.length;
      expect(Math.round(large - small), `large ${large}/120, small ${small}/120`).toBeGreaterThanOrEqual(6);
    }
  });

  it('demos illustrating a rule teach it: one for the large model, two for the small one', async () => {
    const oldRefund = routingRules.find((r) => r.id === 'old-refund')!;
    const triggers = (inputs: Record<string, string>) => oldRefund.fires(readTicket(ticketText(inputs)));
    const cases = dataset('ticket-routing', 400, 202)
      .filter((r) => triggers(r.inputs) && !readTicket(ticketText(r.inputs)).legalThreat)
      .slice(0, 30);
    const demos = dataset('ticket-routing', 400, 303)
      .filter((r) => triggers(r.inputs))
      .slice(0, 2)
      .map((r) => ({ inputs: r.inputs, outputs: r.expected }));
    expect(cases.length).toBeGreaterThanOrEqual(20);

    const large0 = accuracy(await predict(client, 'sim-large', routingSeed, cases, 'label'), cases, 'label');
    const large1 = accuracy(
      await predict(client, 'sim-large', routingSeed, cases, 'label', demos.slice(0, 1)),
      cases,
      'label',
    );
    const small1 = accuracy(
      await predict(client, 'sim-small', routingSeed, cases, 'label', demos.slice(0, 1)),
      cases,
      'label',
    );
    const small2 = accuracy(await predict(client, 'sim-small', routingSeed, cases, 'label', demos), cases, 'label');
    expect(large0).toBeLessThanOrEqual(0.1);
    expect(large1).toBeGreaterThanOrEqual(0.8);
    expect(small2 - small1, `small with 1 demo ${small1}, with 2 demos ${small2}`).toBeGreaterThanOrEqual(0.3);
  });
});

describe('seller-score landscape', () => {
  let server: ModelServer;
  let client: OpenAI;
  const rows = dataset('seller-score', 60, 404);
  const truth = rows.map((r) => r.expected['score'] as number);

  beforeAll(async () => {
    server = await startTestServer();
    client = clientFor(server);
  });
  afterAll(() => server.close());

  it('the seed prompt compresses scores toward the middle; anchors widen the spread', async () => {
    const truthSpread = stdev(truth);
    for (const [model, maxRatio] of [
      ['sim-large', 0.4],
      ['sim-small', 0.15],
    ] as const) {
      const seed = (await predict(client, model, scoringSeed, rows, 'score')) as number[];
      const anchored = (await predict(client, model, scoringWithAnchors, rows, 'score')) as number[];
      expect(stdev(seed), `${model} seed spread vs truth ${truthSpread}`).toBeLessThan(maxRatio * truthSpread);
      expect(stdev(anchored), `${model} anchored vs seed spread`).toBeGreaterThan(2 * stdev(seed));
    }
  });

  it('the small model compresses far more than the large one', async () => {
    const large = (await predict(client, 'sim-large', scoringSeed, rows, 'score')) as number[];
    const small = (await predict(client, 'sim-small', scoringSeed, rows, 'score')) as number[];
    expect(stdev(small)).toBeLessThan(0.5 * stdev(large));
  });

  it('demos with extreme scores push the large model out of the middle', async () => {
    const extremes = dataset('seller-score', 200, 505)
      .filter((r) => (r.expected['score'] as number) <= 1 || (r.expected['score'] as number) >= 9)
      .slice(0, 3)
      .map((r) => ({ inputs: r.inputs, outputs: r.expected }));
    const plain = (await predict(client, 'sim-large', scoringSeed, rows, 'score')) as number[];
    const withDemos = (await predict(client, 'sim-large', scoringSeed, rows, 'score', extremes)) as number[];
    expect(stdev(withDemos)).toBeGreaterThan(1.5 * stdev(plain));
  });
});
