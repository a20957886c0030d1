import { describe, expect, it } from 'vitest';
import { answersCell, givesOneAnswer } from '../../../bench/dspy/answers.js';

const expected = ['billing', 'account', 'account', 'technical', 'shipping', 'account'].map((label) => ({ label }));

describe('benchmark answer spread', () => {
  it('flags a run that gives one answer to every test example', () => {
    const answers = expected.map(() => ({ label: 'account' }));
    expect(givesOneAnswer(answers, expected, ['label'])).toBe(true);
    expect(answersCell(answers, expected, ['label'])).toBe('ONE ANSWER {"label":"account"} ×6/6');
  });

  it('names the most common answer of a run that reads its input, and says when answers were not recorded', () => {
    const answers = [...expected.slice(0, 5), null];
    expect(givesOneAnswer(answers, expected, ['label'])).toBe(false);
    expect(answersCell(answers, expected, ['label'])).toBe('varied; most often {"label":"account"} ×2/6');
    expect(answersCell(undefined, expected, ['label'])).toBe('not recorded');
  });
});
