import { parseModelOutput, type FieldCoercer, type ParsedOutput } from '../genome/parse-output.js';
import { coerceOutput, parseJsonText, type Coerced } from '../task/coerce.js';
import type { OutputType, Signature } from '../task/signature.js';
import { editDistance } from '../text.js';

/**
 * The parser evaluation and the service runtime share: `parseModelOutput`, then answers that
 * miss the signature narrowly are made to fit, saying so (`adjustments`), instead of failing:
 *
 * - a number outside the signature's `min`/`max` is clamped to the range ("score 12 clamped to 10");
 * - an enum value that is not one of the allowed values is read as the one it plainly means, when
 *   exactly one fits, trying in order: the same letters and digits (case, spaces, punctuation
 *   aside); the only allowed value contained in the answer as whole words ("Billing team");
 *   the answer the start of only one value, at least 3 characters ("tech"); the only nearest value
 *   at edit distance 2 or less ("biling"). Anything else still fails, naming the allowed values.
 *
 * Lists and objects are walked, so their numbers and enums are cleaned the same way. Evaluation
 * uses it by default (`answerWithProgram`), so a score measures what a service would get.
 */
export function parseAndClean(text: string, signature: Signature): ParsedOutput {
  return parseModelOutput(text, signature, cleanField);
}

/** The least number of letters a prefix needs before it may name an enum value. */
const MIN_PREFIX = 3;
/** The largest edit distance at which a misspelt enum value is still recognised. */
const MAX_EDITS = 2;

const cleanField: FieldCoercer = (value, type, field) => {
  const adjustments: string[] = [];
  const coerced = clean(value, type, field, adjustments);
  return coerced.ok ? { ...coerced, adjustments } : coerced;
};

function clean(value: unknown, type: OutputType, path: string, adjustments: string[]): Coerced {
  switch (type.type) {
    case 'number':
      return clampNumber(value, type, path, adjustments);
    case 'enum': {
      const strict = coerceOutput(value, type);
      if (strict.ok || value === undefined || value === null || value === '') return strict;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const match = nearMiss(text, type.values);
      if (match === undefined) return strict;
      adjustments.push(`${path} ${JSON.stringify(text)} read as ${JSON.stringify(match)}`);
      return { ok: true, value: match };
    }
    case 'list': {
      const list = parseJsonText(value);
      if (!Array.isArray(list)) return coerceOutput(value, type);
      const items: unknown[] = [];
      for (const [i, item] of list.entries()) {
        const coerced = clean(item, type.items, `${path}[${i}]`, adjustments);
        if (!coerced.ok) return { ok: false, problem: `item ${i}: ${coerced.problem}` };
        items.push(coerced.value);
      }
      return { ok: true, value: items };
    }
    case 'object': {
      const object = parseJsonText(value);
      if (!object || typeof object !== 'object' || Array.isArray(object)) return coerceOutput(value, type);
      const out: Record<string, unknown> = {};
      for (const [name, fieldType] of Object.entries(type.fields)) {
        const coerced = clean((object as Record<string, unknown>)[name], fieldType, `${path}.${name}`, adjustments);
        if (!coerced.ok) return { ok: false, problem: `"${name}": ${coerced.problem}` };
        out[name] = coerced.value;
      }
      return { ok: true, value: out };
    }
    default:
      return coerceOutput(value, type);
  }
}

function clampNumber(
  value: unknown,
  type: Extract<OutputType, { type: 'number' }>,
  path: string,
  adjustments: string[],
): Coerced {
  const { min, max, ...unbounded } = type;
  const coerced = coerceOutput(value, unbounded);
  if (!coerced.ok) return coerced;
  const n = coerced.value as number;
  if (min !== undefined && n < min) {
    adjustments.push(`${path} ${n} clamped to ${min}`);
    return { ok: true, value: min };
  }
  if (max !== undefined && n > max) {
    adjustments.push(`${path} ${n} clamped to ${max}`);
    return { ok: true, value: max };
  }
  return coerced;
}

/** Lower case, every run of other characters than letters and digits one space, trimmed. */
function words(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const compact = (text: string): string => words(text).replace(/ /g, '');

/** The one allowed value a near-miss answer means, or undefined when none or several fit. */
export function nearMiss(answer: string, values: readonly string[]): string | undefined {
  const target = compact(answer);
  if (target === '') return undefined;
  const only = (matches: string[]): string | undefined => (matches.length === 1 ? matches[0] : undefined);
  const same = values.filter((v) => compact(v) === target);
  if (same.length > 0) return only(same);
  const spaced = ` ${words(answer)} `;
  const contained = values.filter((v) => words(v) !== '' && spaced.includes(` ${words(v)} `));
  if (contained.length > 0) return only(contained);
  if (target.length >= MIN_PREFIX) {
    const prefixed = values.filter((v) => compact(v).startsWith(target));
    if (prefixed.length > 0) return only(prefixed);
  }
  let best: string[] = [];
  let bestDistance = MAX_EDITS + 1;
  for (const value of values) {
    const d = editDistance(compact(value), target, MAX_EDITS);
    if (d < bestDistance) {
      best = [value];
      bestDistance = d;
    } else if (d === bestDistance) best.push(value);
  }
  return bestDistance <= MAX_EDITS ? only(best) : undefined;
}
