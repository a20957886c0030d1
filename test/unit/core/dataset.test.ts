import { describe, expect, it } from 'vitest';
import { formatRowError, parseDataset, readCsv } from '../../../core/index.js';
import { ticketSignature } from './fixtures.js';

const csvOptions = { fileName: 'data/tickets.csv', format: 'csv' as const, signature: ticketSignature };

describe('parseDataset (CSV)', () => {
  it('reports every bad row with its line number and field, and keeps the good rows', () => {
    const csv = [
      'id,ticket,priority,label,confidence',
      't1,I was charged twice,2,billing,8',
      't2,App crashes,high,technical,6', // line 3: priority not a number
      't3,Refund for old order,1,sales,9', // line 4: enum not allowed
      't4,"Multi-line',
      'ticket",3,technical,5',
      't5,Too few columns,1', // line 7: column count
      't6,Login broken,2,Technical,4', // case-insensitive enum is fine
    ].join('\n');
    const { rows, errors } = parseDataset(csv, csvOptions);
    expect(errors.map(formatRowError)).toEqual([
      'data/tickets.csv:3: field "priority": expected a number, got "high"',
      'data/tickets.csv:4: field "label": "sales" is not allowed (allowed: billing, escalation, technical)',
      'data/tickets.csv:7: expected 5 columns (from the header), found 3',
    ]);
    expect(rows.map((r) => r.id)).toEqual(['t1', 't4', 't6']);
    expect(rows[1]!.inputs.ticket).toBe('Multi-line\nticket');
    expect(rows[2]!.outputs.label).toBe('technical');
    expect(rows[0]).toEqual({
      id: 't1',
      inputs: { ticket: 'I was charged twice', priority: 2 },
      outputs: { label: 'billing', confidence: 8 },
    });
  });

  it('applies the column mapping and reports missing fields', () => {
    const csv = 'message,prio,team,conf\nHello,1,billing,3\nHi,2,,4\n';
    const { rows, errors } = parseDataset(csv, {
      ...csvOptions,
      mapping: { message: 'ticket', prio: 'priority', team: 'label', conf: 'confidence' },
    });
    expect(rows).toHaveLength(1);
    expect(errors.map(formatRowError)).toEqual(['data/tickets.csv:3: field "label": missing']);
  });

  it('reports an unclosed quote with the line it starts on', () => {
    expect(readCsv('a,b\n1,"open\n2,3\n').error).toEqual({
      line: 2,
      message: 'a quoted cell is never closed (missing ")',
    });
  });
});

describe('parseDataset (JSONL)', () => {
  const options = { fileName: 'data/t.jsonl', format: 'jsonl' as const, signature: ticketSignature };

  it('reports malformed lines and duplicates; content-hash ids are stable', () => {
    const good = JSON.stringify({ ticket: 'Charged twice', priority: 1, label: 'billing', confidence: '7' });
    const text = [good, '{not json', '', good, JSON.stringify([1])].join('\n');
    const first = parseDataset(text, options);
    expect(first.rows).toHaveLength(1);
    expect(first.rows[0]!.outputs.confidence).toBe(7);
    expect(first.errors.map((e) => e.line)).toEqual([2, 4, 5]);
    expect(formatRowError(first.errors[0]!)).toMatch(/^data\/t\.jsonl:2: malformed JSON line/);
    expect(formatRowError(first.errors[1]!)).toContain('duplicate example id');
    expect(parseDataset(good, options).rows[0]!.id).toBe(first.rows[0]!.id);
  });
});

describe('parseDataset errors never quote a line', () => {
  it('a file that is not JSONL is reported by file, line and what was wrong, without its text', () => {
    const text = 'root:x:0:0:root:/root:/bin/bash\n{"ticket": "hi", priority\n';
    const { errors } = parseDataset(text, { fileName: 'data.jsonl', format: 'jsonl', signature: ticketSignature });
    const shown = errors.map(formatRowError);
    expect(shown).toEqual([
      expect.stringMatching(/^data\.jsonl:1: malformed JSON line: Unexpected token/),
      expect.stringMatching(/^data\.jsonl:2: malformed JSON line: /),
    ]);
    expect(shown.join('\n')).not.toMatch(/root:x|\/bin\/bash|"hi"/);
  });
});
