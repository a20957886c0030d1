import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkLabelMove,
  describeLabelMove,
  formatVersionReference,
  labelMove,
  parseVersionReference,
  versionHash,
  type VersionContent,
} from '../../../core/index.js';
import { seedGenome, ticketSignature } from './fixtures.js';

const content: VersionContent = {
  signature: ticketSignature,
  genome: {
    ...seedGenome,
    demos: [{ kind: 'trace', inputs: { ticket: 'Refund my May order', priority: 2 }, outputs: { label: 'billing' } }],
  },
  model: 'gpt-4o-mini',
  decoding: { temperature: 0, structuredOutput: true },
};

describe('versionHash', () => {
  it('is sha256 of exactly this canonical JSON (changing it re-addresses every stored version: bump VERSION_FORMAT)', () => {
    const canonical =
      '{"decoding":{"maxTokens":null,"structuredOutput":true,"temperature":0},"format":1,' +
      '"genome":{"demos":[{"inputs":{"priority":2,"ticket":"Refund my May order"},"kind":"trace","outputs":{"label":"billing"}}],' +
      '"sections":{"reasoning":"direct","role":"You are a meticulous support-ticket router.",' +
      '"rules":["Refund requests for orders older than 30 days go to escalation."],' +
      '"task":"Route each ticket to the team that should handle it."}},"model":"gpt-4o-mini",' +
      '"signature":{"inputs":[["ticket",{"description":"The customer message","type":"string"}],["priority",{"type":"number"}]],' +
      '"outputs":[["label",{"type":"enum","values":["billing","escalation","technical"]}],' +
      '["confidence",{"max":10,"min":0,"type":"number"}]],"reasoning":"direct"}}';
    const expected = createHash('sha256').update(canonical, 'utf8').digest('hex');
    expect(expected).toBe('0c2919162cef4709d071c7ce643c32a1cae950a5b958246291cc9cd174ae5be8');
    expect(versionHash(content)).toBe(expected);
  });

  it('ignores whitespace in the genome and the order keys were built in', () => {
    const reshaped: VersionContent = {
      decoding: { structuredOutput: true, temperature: 0, maxTokens: undefined },
      model: 'gpt-4o-mini',
      genome: {
        demos: content.genome.demos,
        sections: { ...seedGenome.sections, task: `  ${seedGenome.sections.task}\n` },
      },
      signature: { outputs: ticketSignature.outputs, inputs: ticketSignature.inputs },
    };
    expect(versionHash(reshaped)).toBe(versionHash(content));
  });

  it('changes with the prompt, the field order, the model and the decoding', () => {
    const base = versionHash(content);
    const { ticket, priority } = ticketSignature.inputs;
    const variants: VersionContent[] = [
      { ...content, genome: { ...content.genome, sections: { ...seedGenome.sections, reasoning: 'think' } } },
      { ...content, signature: { ...ticketSignature, inputs: { priority: priority!, ticket: ticket! } } },
      { ...content, model: 'gpt-4o' },
      { ...content, decoding: { temperature: 0.7, structuredOutput: true } },
      { ...content, decoding: { temperature: 0, structuredOutput: true, maxTokens: 256 } },
      { ...content, decoding: { temperature: 0, structuredOutput: false } },
    ];
    const hashes = variants.map(versionHash);
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
  });

  it('refuses demos that point into a dataset', () => {
    const withExample = {
      ...content,
      genome: { ...seedGenome, demos: [{ kind: 'example' as const, exampleId: 'ex-7' }] },
    };
    expect(() => versionHash(withExample)).toThrow(/demo "ex-7" refers to a dataset example; resolve example demos/);
  });
});

describe('version references', () => {
  it('parses and formats name, name@label and name:version', () => {
    const cases = [
      ['ticket-router', { kind: 'default', name: 'ticket-router' }],
      ['ticket-router@production', { kind: 'label', name: 'ticket-router', label: 'production' }],
      ['Ticket_Router.v2@canary-1', { kind: 'label', name: 'Ticket_Router.v2', label: 'canary-1' }],
      ['ticket-router:3', { kind: 'version', name: 'ticket-router', version: 3 }],
    ] as const;
    for (const [text, ref] of cases) {
      expect(parseVersionReference(text)).toEqual(ref);
      expect(formatVersionReference(ref)).toBe(text);
    }
  });

  it.each([
    ['', /prompt name ""/],
    ['@production', /prompt name ""/],
    ['-router', /must start with a letter or digit/],
    ['ticket router', /prompt name "ticket router"/],
    ['a'.repeat(101), /at most 100 characters/],
    ['router@', /label ""/],
    ['router@Production', /label "Production" must start with a lowercase letter/],
    ['router@prod@x', /label "prod@x"/],
    ['router:0', /version "0" must be a positive whole number such as router:3/],
    ['router:03', /version "03"/],
    ['router:1.5', /version "1.5"/],
    ['router:latest', /version "latest"/],
    ['router@production:3', /both a label and a version/],
  ])('refuses %j', (text, message) => {
    expect(() => parseVersionReference(text)).toThrow(message);
  });

  it('refuses to format a reference it could not parse back', () => {
    expect(() => formatVersionReference({ kind: 'version', name: 'router', version: 0 })).toThrow(/positive/);
    expect(() => formatVersionReference({ kind: 'label', name: 'router', label: 'a b' })).toThrow(/label "a b"/);
  });
});

describe('label moves', () => {
  it('applies only while the label still points where the move expects', () => {
    const move = labelMove('router', 'production', 3, 4);
    expect(describeLabelMove(move)).toBe('router@production: version 3 → version 4');
    expect(checkLabelMove(move, 3)).toEqual({ ok: true });
    const stale = checkLabelMove(move, 5);
    expect(stale).toMatchObject({ ok: false, current: 5 });
    expect(stale.ok ? '' : stale.message).toMatch(
      /expected router@production at version 3, but it points at version 5/,
    );
  });

  it('creates a label only if it does not exist yet', () => {
    const move = labelMove('router', 'staging', null, 1);
    expect(checkLabelMove(move, null)).toEqual({ ok: true });
    expect(checkLabelMove(move, 1)).toMatchObject({ ok: false, current: 1 });
  });

  it('refuses moves that make no sense', () => {
    expect(() => labelMove('router', 'production', 2, 2)).toThrow(/from version 2 to 2 changes nothing/);
    expect(() => labelMove('router', 'production', 2, 0)).toThrow(/"to" must be a positive version number/);
    expect(() => labelMove('router', 'Prod', 1, 2)).toThrow(/label "Prod"/);
  });
});
