/**
 * Whether a program gives one answer to (nearly) every example when the expected answers vary: the
 * sign of a model that ignores its input (too small for the task, or held to one value by the
 * output format), whose score then measures how often that one answer happens to be right.
 */

/** A share at or above which one answer counts as "nearly every example". */
export const CONSTANT_SHARE = 0.9;
/** Fewer examples than this say too little to call a program constant. */
export const MIN_EXAMPLES = 5;

export interface AnswerPair {
  /** The stored answer (outputs, maybe reasoning); null when it did not parse. */
  given: Record<string, unknown> | null;
  expected: Record<string, unknown>;
}

export interface ConstantAnswer {
  /** The answer, its output fields only, as JSON. */
  answer: string;
  given: number;
  examples: number;
  /** The share of the examples whose expected answer it is. */
  expectedShare: number;
}

/** The output fields of an answer as canonical JSON (reasoning and unknown fields left out). */
function outputsOf(answer: Record<string, unknown>, fields: readonly string[]): string {
  return JSON.stringify(Object.fromEntries(fields.map((f) => [f, answer[f] ?? null])));
}

/** The most frequent of some answers (as JSON) and how often it occurs; undefined for none. */
function mostFrequent(answers: readonly string[]): { answer: string; given: number } | undefined {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  let top: { answer: string; given: number } | undefined;
  for (const [answer, given] of counts) if (!top || given > top.given) top = { answer, given };
  return top;
}

/** The answer a program gave most often (parsed answers only, output fields only), and how often. */
export function mostCommonAnswer(
  pairs: readonly AnswerPair[],
  fields: readonly string[],
): { answer: string; given: number } | undefined {
  return mostFrequent(pairs.flatMap((p) => (p.given ? [outputsOf(p.given, fields)] : [])));
}

/**
 * The answer a program gave to at least CONSTANT_SHARE of the examples, when the examples' own
 * expected answers are less uniform than that; undefined otherwise.
 */
export function constantAnswer(pairs: readonly AnswerPair[], fields: readonly string[]): ConstantAnswer | undefined {
  if (pairs.length < MIN_EXAMPLES) return undefined;
  const top = mostCommonAnswer(pairs, fields);
  if (!top || top.given < CONSTANT_SHARE * pairs.length) return undefined;
  const expected = pairs.map((p) => outputsOf(p.expected, fields));
  if ((mostFrequent(expected)?.given ?? 0) >= CONSTANT_SHARE * pairs.length) return undefined;
  const expectedShare = expected.filter((e) => e === top.answer).length / pairs.length;
  return { answer: top.answer, given: top.given, examples: pairs.length, expectedShare };
}

/** The warning a report and `promptevo show` print for a constant answer. */
export function constantAnswerNote(c: ConstantAnswer, split: string): string {
  const share = Math.round(c.expectedShare * 100);
  return (
    `The best program gives the same answer, ${c.answer}, to ${c.given} of ${c.examples} ${split} examples, ` +
    `which expect it ${share}% of the time: the model may be ignoring the input (too small for the task, or held to ` +
    'one value by the output format), and its score measures how often that answer is right.'
  );
}
