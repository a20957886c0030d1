import { coerceOutput, type Coerced } from '../task/coerce.js';
import type { OutputType, Signature } from '../task/signature.js';

export type ParsedOutput =
  /** `adjustments` says what a lenient parser changed to make the answer fit (a clamped number, ...). */
  | { ok: true; outputs: Record<string, unknown>; reasoning?: string; adjustments?: string[] }
  /** `feedback` is written for the metric and the reflective operator: what was wrong with the answer. */
  | { ok: false; feedback: string };

/**
 * Converts one output field's raw value to its declared type; `adjustments` lists what was changed
 * beyond plain coercion (see core/program/clean-output.ts). `field` is the field's name.
 */
export type FieldCoercer = (value: unknown, type: OutputType, field: string) => Coerced & { adjustments?: string[] };

/**
 * Model text → typed outputs. Tries, in order: the whole text as JSON, fenced JSON
 * blocks, a JSON object embedded in prose, then `name: value` lines. Values are coerced
 * to their declared types before validation (strictly, by `coerceOutput`, unless a coercer is given).
 */
export function parseModelOutput(
  text: string,
  signature: Signature,
  coerce: FieldCoercer = (value, type) => coerceOutput(value, type),
): ParsedOutput {
  const candidates = [...jsonCandidates(text), fieldLines(text, signature)].filter(
    (c): c is Record<string, unknown> => c !== undefined,
  );
  if (candidates.length === 0) {
    const preview = text.trim() === '' ? 'an empty reply' : JSON.stringify(text.trim().slice(0, 120));
    return { ok: false, feedback: `expected a JSON object with ${fieldList(signature)}; got ${preview}` };
  }
  let best: { problems: string[] } | undefined;
  for (const candidate of candidates) {
    const outputs: Record<string, unknown> = {};
    const problems: string[] = [];
    const adjustments: string[] = [];
    for (const [name, type] of Object.entries(signature.outputs)) {
      const coerced = coerce(candidate[name], type, name);
      if (coerced.ok) {
        outputs[name] = coerced.value;
        adjustments.push(...(coerced.adjustments ?? []));
      } else problems.push(`field "${name}": ${coerced.problem}`);
    }
    if (problems.length === 0) {
      const reasoning = candidate.reasoning;
      return {
        ok: true,
        outputs,
        ...(typeof reasoning === 'string' ? { reasoning } : {}),
        ...(adjustments.length > 0 ? { adjustments } : {}),
      };
    }
    if (!best || problems.length < best.problems.length) best = { problems };
  }
  return { ok: false, feedback: best!.problems.join('; ') };
}

function fieldList(signature: Signature): string {
  return Object.keys(signature.outputs)
    .map((n) => `"${n}"`)
    .join(', ');
}

function tryObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function jsonCandidates(text: string): (Record<string, unknown> | undefined)[] {
  const out = [tryObject(text.trim())];
  for (const match of text.matchAll(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/g)) out.push(tryObject(match[1]!.trim()));
  out.push(...balancedObjects(text).map(tryObject));
  return out;
}

/** Every top-level `{...}` span, respecting strings, so JSON inside prose is found. */
function balancedObjects(text: string): string[] {
  const spans: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"' && depth > 0) inString = true;
    else if (char === '{') {
      if (depth++ === 0) start = i;
    } else if (char === '}' && depth > 0 && --depth === 0) spans.push(text.slice(start, i + 1));
  }
  return spans;
}

/** `name: value` lines (also `**name**: value`); a multi-line value continues on indented lines. */
function fieldLines(text: string, signature: Signature): Record<string, unknown> | undefined {
  const names = new Map([...Object.keys(signature.outputs), 'reasoning'].map((n) => [n.toLowerCase(), n]));
  const found: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*[*_]{0,2}([A-Za-z_][A-Za-z0-9_ ]*?)[*_]{0,2}\s*:\s*(.*)$/.exec(line);
    const name = match ? names.get(match[1]!.trim().toLowerCase().replace(/ /g, '_')) : undefined;
    if (name) {
      found[name] = match![2]!.trim();
      last = name;
    } else if (last && /^\s{2,}\S/.test(line)) found[last] += `\n${line.trim()}`;
    else last = undefined;
  }
  return Object.keys(found).length > 0 ? found : undefined;
}
