import { describe, expect, it } from 'vitest';
import { describePromotion } from '../../../core/registry/promotion-message.js';
import {
  promotionProblem,
  promotionSetOverlap,
  promotionSpec,
  versionEndpoint,
  type PromotionVersion,
} from '../../../core/registry/promotion-spec.js';
import { exampleContentHash } from '../../../core/registry/provenance.js';
import { promotionTest } from '../../../core/stats/promotion-test.js';
import { modelSpecSchema } from '../../../core/task/model-spec.js';
import { seedGenome, ticketSignature } from './fixtures.js';

const endpoint = modelSpecSchema.parse({
  baseUrl: 'http://127.0.0.1:8787/v1',
  model: 'sim-large',
  apiKeyEnv: 'PROMPTEVO_KEY_SIM',
  maxTokens: 64,
});
const tickets = Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, inputs: { ticket: `ticket ${i}`, priority: i } }));

function version(n: number, overrides: Partial<PromotionVersion> = {}): PromotionVersion {
  return {
    name: 'ticket-router',
    version: n,
    hash: `hash-${n}`,
    content: {
      signature: ticketSignature,
      genome: seedGenome,
      model: 'sim-large',
      decoding: { temperature: 0, structuredOutput: true },
    },
    metric: { kind: 'exact_match', field: 'label', caseSensitive: false },
    endpoint,
    source: { optimizedOn: tickets.slice(0, 4).map((t) => exampleContentHash(t.inputs)) },
    ...overrides,
  };
}

describe('versionEndpoint', () => {
  it("answers with the version's model id and decoding, not the endpoint's defaults", () => {
    const v = version(1, {
      content: { ...version(1).content, model: 'sim-small', decoding: { temperature: 0.3, structuredOutput: false } },
    });
    const e = versionEndpoint(v);
    expect(e).toMatchObject({ model: 'sim-small', temperature: 0.3, structuredOutput: false });
    expect('maxTokens' in e).toBe(false); // the version was scored without a limit
    expect(e.apiKeyEnv).toBe('PROMPTEVO_KEY_SIM');
    const limited = version(2, {
      content: { ...version(2).content, decoding: { ...version(2).content.decoding, maxTokens: 512 } },
    });
    expect(versionEndpoint(limited).maxTokens).toBe(512);
  });
});

describe('promotionSpec', () => {
  it('is a valid task spec with one model per version and the challenger as dev', () => {
    const spec = promotionSpec(version(1), version(3), 'production', 'set.jsonl');
    expect(Object.keys(spec.models).sort()).toEqual(['v1', 'v3']);
    expect(spec.roles).toMatchObject({ dev: 'v3', meta: 'v3', production: ['v1', 'v3'] });
    expect(spec.signature).toEqual(ticketSignature);
    expect(spec.metric).toMatchObject({ kind: 'exact_match', field: 'label' });
    expect(spec.name).toBe('ticket-router');
    expect(spec.description).toContain('version 1 → 3');
  });
});

describe('promotionProblem', () => {
  it('accepts two versions of one name on the same signature', () => {
    expect(promotionProblem(version(1), version(2))).toBeUndefined();
  });

  it('refuses different names, the champion itself, different signatures and metrics that need a model', () => {
    expect(promotionProblem(version(1), version(2, { name: 'other' }))).toMatch(/different names/);
    expect(promotionProblem(version(2), version(2))).toMatch(/already the champion/);
    const otherSignature = {
      ...ticketSignature,
      outputs: { label: { type: 'enum' as const, values: ['billing', 'shipping'] } },
    };
    expect(
      promotionProblem(version(1), version(2, { content: { ...version(2).content, signature: otherSignature } })),
    ).toMatch(/answer different signatures/);
    expect(promotionProblem(version(1), version(2, { metric: { kind: 'llm_judge', rubric: 'Is it right?' } }))).toMatch(
      /llm_judge metric \(metric\)/,
    );
  });
});

describe('promotionSetOverlap', () => {
  it('says nothing for a set neither version was optimized on', () => {
    expect(promotionSetOverlap(tickets.slice(4), [version(1), version(2)])).toBeUndefined();
  });

  it('names the overlapping examples (five, then how many more), versions with the same overlap together', () => {
    const wide = version(2, { source: { optimizedOn: tickets.slice(0, 8).map((t) => exampleContentHash(t.inputs)) } });
    // Ids differ, content is the same: the check is by content.
    const renamed = tickets.map((t) => ({ ...t, id: `copy-${t.id}` }));
    const message = promotionSetOverlap(renamed, [version(1), wide])!;
    expect(message).toContain('the promotion set (12 examples) overlaps');
    expect(message).toContain('4 in what ticket-router:1 was optimized on (copy-t0, copy-t1, copy-t2, copy-t3)');
    expect(message).toContain(
      '8 in what ticket-router:2 was optimized on (copy-t0, copy-t1, copy-t2, copy-t3, copy-t4 and 3 more)',
    );
    expect(message).toContain('--dataset');
    expect(promotionSetOverlap(tickets, [version(1), version(2)])).toContain(
      '4 in what ticket-router:1 and ticket-router:2 were optimized on',
    );
  });
});

describe('describePromotion', () => {
  const cost = { calls: 240, cachedCalls: 10, tokens: 48000, usd: 0.0262 };
  const base = { name: 'ticket-router', label: 'production', champion: 1, challenger: 2, cost };

  it('says what happened to the label, the evidence and the cost', () => {
    const verdict = promotionTest(
      Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 : 0)),
      Array.from({ length: 40 }, (_, i) => (i < 36 ? 1 : 0)),
    );
    const promoted = describePromotion({ ...base, status: 'promoted', labelMoved: true, verdict });
    expect(promoted).toMatch(
      /^Promoted: ticket-router@production moved from version 1 to version 2\. Decision: promote: /,
    );
    expect(promoted).toContain('exact McNemar, 16 vs 0 discordant');
    expect(promoted).toContain('on 40 examples');
    expect(promoted).toContain('Cost: 240 paid model calls and 10 answered from the cache, 48000 tokens, $0.0262.');
    const refused = describePromotion({
      ...base,
      status: 'refused',
      labelMoved: false,
      verdict: promotionTest([1, 0], [1, 0]),
    });
    expect(refused).toMatch(
      /^Refused: ticket-router@production stays at version 1; version 2 was not promoted\. Decision: refuse \(/,
    );
    const failed = describePromotion({ ...base, status: 'failed', labelMoved: false, error: 'the label moved' });
    expect(failed).toMatch(
      /^Failed: ticket-router@production was not moved \(version 1 → 2\): the label moved\. Cost:/,
    );
  });
});
