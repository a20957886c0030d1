// How a run's answers on the test split spread, for the benchmark tables: a run that gives one
// answer to (nearly) every test example does not read its input, and its score measures how often
// that one answer is right (core/program/answer-spread.ts decides, as `promptevo show` does).
import { constantAnswer, mostCommonAnswer, type AnswerPair } from '../../core/program/answer-spread.js';

type Answers = readonly (Record<string, unknown> | null)[];

function pairs(answers: Answers, expected: readonly Record<string, unknown>[]): AnswerPair[] {
  return expected.map((e, i) => ({ given: answers[i] ?? null, expected: e }));
}

/** Whether the run gives one answer to nearly every test example while the expected answers vary. */
export function givesOneAnswer(
  answers: Answers,
  expected: readonly Record<string, unknown>[],
  fields: readonly string[],
): boolean {
  return constantAnswer(pairs(answers, expected), fields) !== undefined;
}

/** A table cell: `ONE ANSWER {"label":"billing"} ×50/50`, or the most common answer's count. */
export function answersCell(
  answers: Answers | undefined,
  expected: readonly Record<string, unknown>[],
  fields: readonly string[],
): string {
  if (!answers) return 'not recorded';
  const all = pairs(answers, expected);
  const constant = constantAnswer(all, fields);
  if (constant) return `ONE ANSWER ${constant.answer} ×${constant.given}/${constant.examples}`;
  const top = mostCommonAnswer(all, fields);
  return top ? `varied; most often ${top.answer} ×${top.given}/${all.length}` : 'none parsed';
}
