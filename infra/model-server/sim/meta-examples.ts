// Examples shown in a meta request: `Inputs:` / `Expected:` / `Got:` / `Feedback:` blocks, and
// DSPy/GEPA-style markdown dumps (`# Example 1`, `## Inputs`, `### field`, `## Generated Outputs`,
// `## Feedback`) where the expected answer is read from the feedback text.
import { type Fields, parseJsonFields, parseLineFields, parseOutputFields } from './field-text.js';

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

/** The GEPA/DSPy markdown layout. */
function markdownExamples(text: string): MetaExample[] {
  const examples: MetaExample[] = [];
  for (const chunk of text.split(/^#\s*Example\s*\d+\s*$/m).slice(1)) {
    const section = (name: string): string =>
      new RegExp(`^##\\s*${name}\\s*$([\\s\\S]*?)(?=^##\\s|(?![\\s\\S]))`, 'm').exec(chunk)?.[1] ?? '';
    const inputs = markdownFields(section('Inputs'));
    const got = markdownFields(section('Generated Outputs'));
    const feedback = section('Feedback').trim();
    const correct =
      /(?:correct|expected|right|true)\s+(?:\w+\s+){0,2}(?:is|was|would be|should be|:|=)\s*["'`]?([\w.-]+)/i.exec(
        feedback,
      );
    if (Object.keys(inputs).length === 0 || !correct?.[1]) continue;
    const field = Object.keys(got).find((k) => !/reason/i.test(k)) ?? 'answer';
    examples.push({ inputs, expected: { [field]: correct[1].replace(/\.$/, '') }, got, feedback });
  }
  return examples;
}

export function readMetaExamples(text: string): MetaExample[] {
  return [...labelledExamples(text), ...markdownExamples(text)];
}
