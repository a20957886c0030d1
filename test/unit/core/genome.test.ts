import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deserializeGenome,
  genomeHash,
  parseInstruction,
  renderInstruction,
  renderTaskMessages,
  resolveDemos,
  serializeGenome,
  type Genome,
} from '../../../core/index.js';
import { seedGenome, ticketSignature } from './fixtures.js';

describe('genome hashing', () => {
  it('hashes genomes that differ only in whitespace or key order identically, and real edits differently', () => {
    const spaced: Genome = {
      demos: [],
      sections: {
        reasoning: 'direct',
        rules: ['  Refund requests for orders   older than 30 days go to escalation. ', ''],
        task: '\nRoute each ticket to the team  that should handle it.\n\n\n',
        role: 'You are a meticulous support-ticket router.',
        uncertainty: '   ',
      },
    };
    expect(genomeHash(spaced)).toBe(genomeHash(seedGenome));
    expect(genomeHash({ ...seedGenome, sections: { ...seedGenome.sections, reasoning: 'think' } })).not.toBe(
      genomeHash(seedGenome),
    );
  });

  it('round-trips through its serialized form', () => {
    const genome: Genome = {
      ...seedGenome,
      demos: [
        { kind: 'example', exampleId: 't1' },
        { kind: 'trace', inputs: { ticket: 'x' }, outputs: { label: 'billing' }, reasoning: 'r' },
      ],
    };
    expect(genomeHash(deserializeGenome(serializeGenome(genome)))).toBe(genomeHash(genome));
    expect(() => deserializeGenome('{"demos": []}')).toThrow(/damaged/);
  });
});

describe('renderTaskMessages', () => {
  it('renders the system sections, demos as prior turns and the final inputs per PROMPT-FORMAT.md', () => {
    const genome: Genome = {
      ...seedGenome,
      sections: { ...seedGenome.sections, reasoning: 'think' },
      demos: [{ kind: 'example', exampleId: 't1' }],
    };
    const demos = resolveDemos(
      genome.demos,
      new Map([
        [
          't1',
          {
            inputs: { priority: 2, ticket: 'Charged twice' },
            outputs: { label: 'billing', confidence: 9 },
            reasoning: 'Money issue.',
          },
        ],
      ]),
    );
    const messages = renderTaskMessages(genome, ticketSignature, demos, { ticket: 'Line one\nLine two', priority: 3 });
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[0]!.content).toBe(
      [
        '## Role\nYou are a meticulous support-ticket router.',
        '## Task\nRoute each ticket to the team that should handle it.',
        '## Rules\n- Refund requests for orders older than 30 days go to escalation.',
        '## Reasoning\nThink step by step in a "reasoning" field before giving the answer.',
        '## Output format\nRespond with a JSON object with the fields: "reasoning" (string, written first), "label" (one of: billing, escalation, technical), "confidence" (number from 0 to 10).',
      ].join('\n\n'),
    );
    expect(messages[1]!.content).toBe('ticket: Charged twice\npriority: 2');
    expect(messages[2]!.content).toBe('{"reasoning":"Money issue.","label":"billing","confidence":9}');
    expect(messages[3]!.content).toBe('ticket: Line one\n  Line two\npriority: 3');
  });

  it('names a demo whose example is missing', () => {
    expect(() => resolveDemos([{ kind: 'example', exampleId: 'gone' }], new Map())).toThrow(/example "gone"/);
  });
});

describe('parseInstruction', () => {
  const line = fc
    .string({ minLength: 1, maxLength: 40 })
    .filter((s) => !/[#\n\r]/.test(s) && !/^\s*([-*•]|\d+[.)])\s/.test(s) && s.trim() !== '');
  const sections = fc.record({
    role: fc.option(line, { nil: undefined }),
    task: fc.array(line, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n')),
    rules: fc.array(line, { maxLength: 4 }),
    reasoning: fc.constantFrom('direct' as const, 'think' as const),
    uncertainty: fc.option(line, { nil: undefined }),
    outputFormat: fc.option(line, { nil: undefined }),
  });

  it('is the inverse of renderInstruction', () => {
    fc.assert(
      fc.property(sections, (s) => {
        const parsed = parseInstruction(renderInstruction(s));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(genomeHash({ sections: parsed.sections, demos: [] })).toBe(genomeHash({ sections: s, demos: [] }));
      }),
    );
  });

  it('tolerates what models write: other heading levels, numbered bullets, text outside sections', () => {
    const parsed = parseInstruction(
      'Some preface.\n### rules:\n1. First rule\n   continued\n* Second rule\n# TASK\nDo the thing.',
    );
    expect(parsed).toEqual({
      ok: true,
      sections: {
        task: 'Some preface.\nDo the thing.',
        rules: ['First rule continued', 'Second rule'],
        reasoning: 'direct',
      },
    });
  });

  it('rejects text without a task', () => {
    expect(parseInstruction('## Rules\n- only rules')).toEqual({
      ok: false,
      reason: expect.stringContaining('no task instruction'),
    });
  });
});
