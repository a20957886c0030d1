import { describe, expect, it } from 'vitest';
import { parseModelOutput } from '../../../core/index.js';
import { ticketSignature } from './fixtures.js';

describe('parseModelOutput', () => {
  it('reads structured JSON and keeps the reasoning', () => {
    expect(parseModelOutput('{"reasoning":"r","label":"billing","confidence":7}', ticketSignature)).toEqual({
      ok: true,
      outputs: { label: 'billing', confidence: 7 },
      reasoning: 'r',
    });
  });

  it('falls back to fenced JSON, JSON in prose, and name: value lines, coercing types', () => {
    const expected = { ok: true, outputs: { label: 'escalation', confidence: 7 } };
    expect(
      parseModelOutput('Here you go:\n```json\n{"label": "Escalation", "confidence": "7"}\n```', ticketSignature),
    ).toEqual(expected);
    expect(
      parseModelOutput('Sure! {"label": "escalation", "confidence": 7} Hope that helps {x}', ticketSignature),
    ).toEqual(expected);
    expect(parseModelOutput('**Label**: escalation\nconfidence: 7/10', ticketSignature)).toEqual(expected);
  });

  it('explains what is wrong with an answer that parses but does not fit the signature', () => {
    expect(parseModelOutput('{"label": "sales", "confidence": 12}', ticketSignature)).toEqual({
      ok: false,
      feedback:
        'field "label": "sales" is not allowed (allowed: billing, escalation, technical); field "confidence": 12 is above the maximum 10',
    });
  });

  it('fails clearly on text that is not JSON', () => {
    expect(parseModelOutput('Probably billing?', ticketSignature)).toEqual({
      ok: false,
      feedback: 'expected a JSON object with "label", "confidence"; got "Probably billing?"',
    });
    expect(parseModelOutput('', ticketSignature)).toMatchObject({
      ok: false,
      feedback: expect.stringContaining('an empty reply'),
    });
  });
});
