// Reading named fields out of free text in the three layouts clients commonly send:
// `name: value` lines (continuations indented two spaces), a JSON object, and DSPy's
// `[[ ## name ## ]]` blocks.

import type { Fields } from '../families/types.js';

const dspyMarker = /^\[\[ ## ([\w.-]+) ## \]\]\s*$/;
const fieldLine = /^([A-Za-z_][\w-]{0,40}(?: [\w-]{1,20}){0,2}):(?:\s(.*))?$/;

export function stringifyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** A JSON object in the text (whole text, or a ```json fenced block), flattened to strings. */
export function parseJsonFields(text: string): Fields | undefined {
  const trimmed = text.trim();
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n?```/.exec(trimmed);
  for (const candidate of [trimmed, fenced?.[1]?.trim()]) {
    if (!candidate?.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyValue(v)]));
      }
    } catch {
      // not JSON; the caller tries the other layouts
    }
  }
  return undefined;
}

/** DSPy blocks: each `[[ ## name ## ]]` marker line starts a field that runs to the next marker. */
export function parseDspyFields(text: string): Fields | undefined {
  const lines = text.split('\n');
  const fields: Fields = {};
  let current: string | undefined;
  let buffer: string[] = [];
  const flush = (): void => {
    if (current !== undefined) fields[current] = buffer.join('\n').trim();
  };
  for (const line of lines) {
    const marker = dspyMarker.exec(line.trim());
    if (marker) {
      flush();
      current = marker[1];
      buffer = [];
    } else if (current !== undefined) {
      buffer.push(line);
    }
  }
  flush();
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** `name: value` lines; a value continues on following lines indented by at least two spaces. */
export function parseLineFields(text: string): Fields | undefined {
  const fields: Fields = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const match = /^\S/.test(line) ? fieldLine.exec(line.trimEnd()) : null;
    if (match) {
      current = (match[1] ?? '').trim();
      fields[current] = (match[2] ?? '').trim();
    } else if (current !== undefined && /^ {2}/.test(line)) {
      const previous = fields[current] ?? '';
      fields[current] = previous ? `${previous}\n${line.slice(2)}` : line.slice(2);
    } else if (line.trim() !== '') {
      current = undefined;
    }
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** Inputs of a user turn in whichever layout it uses; free text becomes one field named `input`. */
export function parseInputFields(text: string): { fields: Fields; layout: 'dspy' | 'json' | 'lines' | 'free' } {
  const dspy = parseDspyFields(text);
  if (dspy) return { fields: dspy, layout: 'dspy' };
  const json = parseJsonFields(text);
  if (json) return { fields: json, layout: 'json' };
  const lines = parseLineFields(text);
  if (lines) return { fields: lines, layout: 'lines' };
  return { fields: { input: text.trim() }, layout: 'free' };
}

/** Outputs of an assistant turn (JSON, DSPy blocks or `name: value` lines). */
export function parseOutputFields(text: string): Fields {
  return parseJsonFields(text) ?? parseDspyFields(text) ?? parseLineFields(text) ?? { answer: text.trim() };
}
