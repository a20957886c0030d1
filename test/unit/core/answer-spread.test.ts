import { describe, expect, it } from 'vitest';
import { constantAnswer, constantAnswerNote, mostCommonAnswer } from '../../../core/program/answer-spread.js';

const pair = (given: string | null, expected: string) => ({
  given: given === null ? null : { label: given, reasoning: `because ${given}` },
  expected: { label: expected },
});
const labels = [
  'billing',
  'account',
  'account',
  'technical',
  'shipping',
  'account',
  'escalation',
  'billing',
  'account',
  'technical',
];

describe('constantAnswer', () => {
  it('names an answer given to every example when the expected answers vary, with its share among them', () => {
    const found = constantAnswer(
      labels.map((l) => pair('billing', l)),
      ['label'],
    );
    expect(found).toEqual({ answer: '{"label":"billing"}', given: 10, examples: 10, expectedShare: 0.2 });
    expect(constantAnswerNote(found!, 'validation')).toContain('to 10 of 10 validation examples, which expect it 20%');
  });

  it('ignores reasoning, and counts 9 of 10 alike as constant but not 8', () => {
    const nine = labels.map((l, i) => pair(i === 0 ? 'account' : 'billing', l));
    expect(constantAnswer(nine, ['label'])?.given).toBe(9);
    const eight = labels.map((l, i) => pair(i < 2 ? 'account' : 'billing', l));
    expect(constantAnswer(eight, ['label'])).toBeUndefined();
  });

  it('says nothing when the expected answers are as uniform, or when there are too few examples', () => {
    const uniform = labels.map((_, i) => pair('billing', i === 0 ? 'account' : 'billing'));
    expect(constantAnswer(uniform, ['label'])).toBeUndefined();
    expect(
      constantAnswer(
        labels.slice(0, 4).map((l) => pair('billing', l)),
        ['label'],
      ),
    ).toBeUndefined();
  });

  it('does not count answers that did not parse as one answer', () => {
    expect(
      constantAnswer(
        labels.map((l) => pair(null, l)),
        ['label'],
      ),
    ).toBeUndefined();
  });
});

describe('mostCommonAnswer', () => {
  it('counts parsed answers by their output fields only', () => {
    const pairs = [pair('billing', 'billing'), pair('account', 'account'), pair('account', 'billing'), pair(null, 'x')];
    expect(mostCommonAnswer(pairs, ['label'])).toEqual({ answer: '{"label":"account"}', given: 2 });
    expect(mostCommonAnswer([pair(null, 'x')], ['label'])).toBeUndefined();
  });
});
