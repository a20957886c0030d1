import { describe, expect, it } from 'vitest';
import { programLabel, samplingOf } from '../../../core/program/program.js';
import { encodeAnswer, traceFromAnswer } from '../../../core/program/stored-answer.js';
import { majorityVote } from '../../../core/program/vote.js';

describe('programs', () => {
  it('labels voted programs apart from single calls', () => {
    expect(programLabel('m')).toBe('m');
    expect(programLabel('m', { samples: 1, temperature: 0.7 })).toBe('m');
    expect(programLabel('m', { samples: 5, temperature: 0.7 })).toBe('m:vote5@t0.7');
  });

  it('votes only with more than one sample', () => {
    expect(samplingOf(undefined)).toBeUndefined();
    expect(samplingOf({ samples: 1, temperature: 0.7 })).toBeUndefined();
    expect(samplingOf({ samples: 5, temperature: 0.7 })).toEqual({ samples: 5, temperature: 0.7 });
  });

  it('votes by content, ties going to the answer seen first', () => {
    expect(majorityVote([{ a: 1 }, { a: 2 }, { a: 2 }])).toEqual({ a: 2 });
    expect(majorityVote([{ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 3 }])).toEqual({ a: 1, b: 2 });
    expect(majorityVote([{ a: 'x' }, { a: 'y' }])).toEqual({ a: 'x' });
    expect(majorityVote([])).toBeUndefined();
  });

  it('reads a stored answer back as the trace demo it was, reasoning included', () => {
    const stored = encodeAnswer({ ok: true, outputs: { label: 'billing' }, reasoning: 'a refund' })!;
    expect(traceFromAnswer('e1', { ticket: 't' }, JSON.parse(stored) as Record<string, unknown>)).toEqual({
      kind: 'trace',
      inputs: { ticket: 't' },
      outputs: { label: 'billing' },
      reasoning: 'a refund',
      sourceExampleId: 'e1',
    });
    expect(traceFromAnswer('e1', {}, { label: 'billing', reasoning: ' ' })).not.toHaveProperty('reasoning');
    expect(encodeAnswer({ ok: false, feedback: 'no' })).toBeNull();
  });
});
