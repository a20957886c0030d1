import { normalizeInline } from '../text.js';
import { type GenomeSections, normalizeGenome } from './genome.js';

/** The fixed reasoning text of a think-then-answer genome. */
export const THINK_TEXT = 'Think step by step in a "reasoning" field before giving the answer.';

const HEADERS: [keyof GenomeSections, string][] = [
  ['role', 'Role'],
  ['task', 'Task'],
  ['rules', 'Rules'],
  ['reasoning', 'Reasoning'],
  ['uncertainty', 'Uncertainty'],
  ['outputFormat', 'Output format'],
];

/** Sections as Markdown in the fixed order, empty ones omitted; `outputFormat` may be supplied by the signature. */
export function renderInstruction(sections: GenomeSections, fallbackOutputFormat?: string): string {
  const s = normalizeGenome({ sections, demos: [] }).sections;
  const body: Record<string, string | undefined> = {
    role: s.role,
    task: s.task,
    rules: s.rules.length ? s.rules.map((rule) => `- ${rule}`).join('\n') : undefined,
    reasoning: s.reasoning === 'think' ? THINK_TEXT : undefined,
    uncertainty: s.uncertainty,
    outputFormat: s.outputFormat ?? fallbackOutputFormat,
  };
  return HEADERS.filter(([key]) => body[key])
    .map(([key, title]) => `## ${title}\n${body[key]}`)
    .join('\n\n');
}

export type ParsedInstruction = { ok: true; sections: GenomeSections } | { ok: false; reason: string };

const HEADER_LINE = /^\s{0,3}#{1,6}\s*(.+?)\s*#*\s*:?\s*$/;
const BULLET = /^\s*(?:[-*•]|\d+[.)])\s+/;

/**
 * Inverse of `renderInstruction`, tolerant of what models write: any heading level,
 * any case, `*`/numbered bullets. Text outside a known section becomes task text.
 */
export function parseInstruction(text: string): ParsedInstruction {
  const chunks: Record<string, string[]> = {};
  let current = 'task';
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const header = HEADER_LINE.exec(line);
    if (header) {
      const key = HEADERS.find(([, title]) => title.toLowerCase() === header[1]!.toLowerCase())?.[0];
      current = key ?? 'task';
      if (key) continue;
    }
    (chunks[current] ??= []).push(line);
  }
  const joined = (key: string): string | undefined => {
    const value = (chunks[key] ?? []).join('\n').trim();
    return value === '' ? undefined : value;
  };
  const task = joined('task');
  if (!task)
    return { ok: false, reason: 'the reply has no task instruction (expected a "## Task" section or plain text)' };
  const sections: GenomeSections = {
    task,
    rules: parseRules(chunks.rules ?? []),
    reasoning: joined('reasoning') ? 'think' : 'direct',
  };
  const role = joined('role');
  const uncertainty = joined('uncertainty');
  const outputFormat = joined('outputFormat');
  if (role) sections.role = role;
  if (uncertainty) sections.uncertainty = uncertainty;
  if (outputFormat) sections.outputFormat = outputFormat;
  return { ok: true, sections: normalizeGenome({ sections, demos: [] }).sections };
}

function parseRules(lines: string[]): string[] {
  const rules: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (BULLET.test(line) || rules.length === 0) rules.push(line.replace(BULLET, ''));
    else rules[rules.length - 1] += ` ${line.trim()}`;
  }
  return rules.map(normalizeInline).filter((rule) => rule !== '');
}
