// Examples shown in a meta request: `Inputs:` / `Expected:` / `Got:` / `Feedback:` blocks,
// DSPy/GEPA-style markdown dumps (`# Example 1`, `## Inputs`, `### field`, `## Generated Outputs`,
// `## Feedback`), and the same records as JSON objects (`{"Inputs": {...}, "Generated Outputs":
// {...}, "Feedback": "..."}`); without an expected answer, it is read from the feedback text. Also
// worked demos in a DSPy field named like demos/examples (MIPROv2's `task_demos`): blocks of
// `Field: value` lines, the last line being the answer.
import type { Fields } from '../families/types.js';
import { parseJsonFields, parseLineFields, parseOutputFields } from './field-text.js';

export interface MetaExample {
  inputs: Fields;
  expected: Fields;
  got?: Fields;
  feedback?: string;
}

const indentOf = (line: string): number => /^ */.exec(line)?.[0].length ?? 0;

function dedent(lines: string[]): string {
  const indents = lines.filter((l) => l.trim()).map(indentOf);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(min)).join('\n');
}

function parseBlock(text: string): Fields {
  return parseJsonFields(text) ?? parseLineFields(text) ?? parseOutputFields(text);
}

/** The `Inputs:` / `Expected:` / `Got:` / `Feedback:` layout. */
function labelledExamples(text: string): MetaExample[] {
  const lines = text.split('\n');
  const examples: MetaExample[] = [];
  let i = 0;
  // A value is the rest of its line plus the following lines indented deeper than its key.
  const readValue = (first: string, indent: number): string => {
    const parts: string[] = [];
    while (i + 1 < lines.length) {
      const next = lines[i + 1] ?? '';
      if (next.trim() === '') {
        const after = lines.slice(i + 2).find((l) => l.trim() !== '');
        if (after === undefined || indentOf(after) <= indent) break;
      } else if (indentOf(next) <= indent) break;
      parts.push(next);
      i++;
    }
    const continuation = dedent(parts).trim();
    return [first.trim(), continuation].filter(Boolean).join('\n');
  };
  let current: Partial<MetaExample> | undefined;
  const flush = (): void => {
    if (current?.inputs && current.expected) examples.push(current as MetaExample);
    current = undefined;
  };
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = /^(\s*)(Inputs|Expected|Got|Feedback):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, spaces = '', key, first = ''] = m;
    const value = readValue(first, spaces.length);
    if (key === 'Inputs') {
      flush();
      current = { inputs: parseBlock(value) };
    } else if (current && key === 'Expected') current.expected = parseBlock(value);
    else if (current && key === 'Got') current.got = parseBlock(value);
    else if (current && key === 'Feedback') current.feedback = value.trim();
  }
  flush();
  return examples;
}

function markdownFields(section: string): Fields {
  const fields: Fields = {};
  for (const part of section.split(/^###\s+/m).slice(1)) {
    const [name = '', ...body] = part.split('\n');
    if (name.trim()) fields[name.trim()] = body.join('\n').trim();
  }
  return fields;
}

/**
 * "the correct score is 3." → { score: "3" }, on the first non-reasoning output field. The value runs
 * to the end of its sentence, so free text ("the correct address is 12 Oak Street, Salem, OR 97301.")
 * is read whole; a quoted value is read without its quotes.
 */
function expectedFromFeedback(feedback: string, got: Fields): Fields | undefined {
  const field = Object.keys(got).find((k) => !/reason/i.test(k));
  // "Correct: …" / "Right." about the generated output: the output is the expected answer.
  if (field && got[field] && /^\s*(?:correct|right)\b/i.test(feedback)) return { [field]: got[field] };
  const correct = /(?:correct|expected|right|true)\s+(?:\w+\s+){0,2}(?:is|was|would be|should be|:|=)\s*(.+)/i.exec(
    feedback,
  );
  const rest = correct?.[1]?.trim();
  if (!rest) return undefined;
  const quoted = /^(["'`])(.*?)\1/.exec(rest);
  const value = quoted ? quoted[2]! : rest.split(/\.(?:\s|$)/)[0]!.trim();
  if (!value) return undefined;
  return { [field ?? 'answer']: value };
}

/** The GEPA/DSPy markdown layout. */
function markdownExamples(text: string): MetaExample[] {
  const examples: MetaExample[] = [];
  for (const chunk of text.split(/^#\s*Example\s*\d+\s*$/m).slice(1)) {
    const section = (name: string): string =>
      new RegExp(`^##\\s*${name}\\s*$([\\s\\S]*?)(?=^##\\s|(?![\\s\\S]))`, 'm').exec(chunk)?.[1] ?? '';
    const inputs = markdownFields(section('Inputs'));
    const got = markdownFields(section('Generated Outputs'));
    const feedback = section('Feedback').trim();
    const expected = expectedFromFeedback(feedback, got);
    if (Object.keys(inputs).length === 0 || !expected) continue;
    examples.push({ inputs, expected, got, feedback });
  }
  return examples;
}

/** Every top-level JSON object or array embedded in the text (e.g. a DSPy field holding a list of dicts). */
function embeddedJson(text: string): unknown[] {
  const found: unknown[] = [];
  for (let start = 0; start < text.length; start++) {
    if (text[start] !== '{' && text[start] !== '[') continue;
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if ((c === '}' || c === ']') && --depth === 0) {
        try {
          found.push(JSON.parse(text.slice(start, i + 1)));
          start = i;
        } catch {
          // not JSON after all; keep scanning from the next character
        }
        break;
      }
    }
  }
  return found;
}

const asFields = (value: unknown): Fields | undefined => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
};

/** Example records as JSON objects, keyed like the other layouts (Inputs, Generated Outputs / Got, Expected, Feedback). */
function jsonExamples(text: string): MetaExample[] {
  const records = embeddedJson(text).flatMap((v): unknown[] => (Array.isArray(v) ? (v as unknown[]) : [v]));
  const examples: MetaExample[] = [];
  for (const record of records) {
    const entries = Object.entries(asFields(record) ? (record as Record<string, unknown>) : {});
    const pick = (pattern: RegExp): unknown => entries.find(([k]) => pattern.test(k.trim()))?.[1];
    const inputs = asFields(pick(/^inputs?$/i));
    if (!inputs) continue;
    const got = asFields(pick(/^(generated outputs?|got|outputs?|prediction)$/i)) ?? {};
    const feedbackValue = pick(/^feedback$/i);
    const feedback = typeof feedbackValue === 'string' ? feedbackValue : undefined;
    const expected =
      asFields(pick(/^(expected|expected outputs?|gold)$/i)) ?? expectedFromFeedback(feedback ?? '', got);
    if (!expected) continue;
    examples.push({ inputs, expected, got, ...(feedback !== undefined ? { feedback } : {}) });
  }
  return examples;
}

/** `[[ ## task_demos ## ]]` followed by blank-line separated `Ticket: …` / `Label: …` blocks. */
function dspyDemoExamples(text: string): MetaExample[] {
  const examples: MetaExample[] = [];
  for (const section of text.matchAll(
    /^\[\[ ## [\w.-]*(?:demo|example)[\w.-]* ## \]\]\n([\s\S]*?)(?=^\[\[ ## |(?![\s\S]))/gim,
  )) {
    for (const block of (section[1] ?? '').split(/\n\s*\n/)) {
      const fields: [string, string][] = [];
      for (const line of block.split('\n')) {
        const m = /^([A-Za-z][\w ]{0,40}):\s*(.*)$/.exec(line);
        if (m) fields.push([m[1]!.trim().toLowerCase().replace(/\s+/g, '_'), m[2] ?? '']);
        else if (fields.length > 0 && line.trim()) fields[fields.length - 1]![1] += `\n${line}`;
      }
      const answer = fields.pop();
      if (!answer || fields.length === 0) continue;
      examples.push({ inputs: Object.fromEntries(fields), expected: { [answer[0]]: answer[1].trim() } });
    }
  }
  return examples;
}

export function readMetaExamples(text: string): MetaExample[] {
  return [...labelledExamples(text), ...markdownExamples(text), ...jsonExamples(text), ...dspyDemoExamples(text)];
}
