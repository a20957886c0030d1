import type { InputType, OutputType } from './signature.js';

/**
 * Lenient conversion of a raw value (CSV cell, model JSON, `name: value` line) to a
 * declared type: "7" → 7, "Yes" → true, enum values matched case-insensitively.
 * Returns the converted value or a sentence saying what was wrong.
 */
export type Coerced = { ok: true; value: unknown } | { ok: false; problem: string };

const ok = (value: unknown): Coerced => ({ ok: true, value });
const fail = (problem: string): Coerced => ({ ok: false, problem });
/** Scalars as themselves, anything else as JSON: never "[object Object]". */
const asText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
};

const show = (value: unknown): string =>
  typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? 'undefined');

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  // "7/10" and "7 out of 10" are how models write a score on a scale: take the first number.
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*\d+(?:\.\d+)?|out of \d+(?:\.\d+)?)?\s*$/i.exec(value);
  return match ? Number(match[1]) : undefined;
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = asText(value).trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(text)) return true;
  if (['false', 'no', 'n', '0'].includes(text)) return false;
  return undefined;
}

/** A string holding JSON as what it holds; anything else as itself (undefined when it is not JSON). */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

export function coerceOutput(value: unknown, type: OutputType): Coerced {
  if (value === undefined || value === null || value === '') return fail('missing');
  switch (type.type) {
    case 'string':
      return ok(asText(value));
    case 'boolean': {
      const b = toBoolean(value);
      return b === undefined ? fail(`expected true or false, got ${show(value)}`) : ok(b);
    }
    case 'number': {
      const n = toNumber(value);
      if (n === undefined) return fail(`expected a number, got ${show(value)}`);
      if (type.integer && !Number.isInteger(n)) return fail(`expected a whole number, got ${n}`);
      if (type.min !== undefined && n < type.min) return fail(`${n} is below the minimum ${type.min}`);
      if (type.max !== undefined && n > type.max) return fail(`${n} is above the maximum ${type.max}`);
      return ok(n);
    }
    case 'enum': {
      const text = asText(value)
        .trim()
        .replace(/^["']|["']$/g, '');
      const match = type.values.find((v) => v.toLowerCase() === text.toLowerCase());
      return match ? ok(match) : fail(`${show(value)} is not allowed (allowed: ${type.values.join(', ')})`);
    }
    case 'list': {
      const list = parseJsonText(value);
      if (!Array.isArray(list)) return fail(`expected a list (JSON array), got ${show(value)}`);
      const items: unknown[] = [];
      for (const [i, item] of list.entries()) {
        const coerced = coerceOutput(item, type.items);
        if (!coerced.ok) return fail(`item ${i}: ${coerced.problem}`);
        items.push(coerced.value);
      }
      return ok(items);
    }
    case 'object': {
      const object = parseJsonText(value);
      if (!object || typeof object !== 'object' || Array.isArray(object))
        return fail(`expected an object, got ${show(value)}`);
      const out: Record<string, unknown> = {};
      for (const [name, fieldType] of Object.entries(type.fields)) {
        const coerced = coerceOutput((object as Record<string, unknown>)[name], fieldType);
        if (!coerced.ok) return fail(`"${name}": ${coerced.problem}`);
        out[name] = coerced.value;
      }
      return ok(out);
    }
  }
}

export function coerceInput(value: unknown, type: InputType): Coerced {
  if (value === undefined || value === null) return fail('missing');
  switch (type) {
    case 'string':
      return ok(asText(value));
    case 'number': {
      const n = toNumber(value);
      return n === undefined ? fail(`expected a number, got ${show(value)}`) : ok(n);
    }
    case 'boolean': {
      const b = toBoolean(value);
      return b === undefined ? fail(`expected true or false, got ${show(value)}`) : ok(b);
    }
    case 'json': {
      const parsed = parseJsonText(value);
      return parsed === undefined ? fail(`expected JSON, got ${show(value)}`) : ok(parsed);
    }
  }
}
