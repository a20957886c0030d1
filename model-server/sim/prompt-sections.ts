// Prompts as `## Section` blocks of lines, so a meta edit can add a rule bullet under `## Rules`,
// combine parents section by section, and keep the headers intact.
import type { Rng } from '../base/prng.js';

export interface Section {
  /** Header text without `## `, or null for lines before the first header. */
  header: string | null;
  lines: string[];
}

const headerLine = /^##\s+(.+?)\s*$/;
const isBullet = (line: string): boolean => /^\s*[-*]\s+/.test(line);
const norm = (line: string): string =>
  line
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

export function parseSections(prompt: string): Section[] {
  const sections: Section[] = [{ header: null, lines: [] }];
  for (const line of prompt.split('\n')) {
    const m = headerLine.exec(line);
    if (m) sections.push({ header: m[1] ?? '', lines: [] });
    else sections[sections.length - 1]?.lines.push(line);
  }
  for (const s of sections) {
    while (s.lines.length && !s.lines[0]?.trim()) s.lines.shift();
    while (s.lines.length && !s.lines[s.lines.length - 1]?.trim()) s.lines.pop();
  }
  return sections.filter((s) => s.header !== null || s.lines.length > 0);
}

export function renderSections(sections: readonly Section[]): string {
  return sections
    .filter((s) => s.header !== null || s.lines.length > 0)
    .map((s) => (s.header === null ? s.lines.join('\n') : [`## ${s.header}`, ...s.lines].join('\n')))
    .join('\n\n');
}

/**
 * How likely one line of a parent survives a merge: a model combining prompts loses lines, and more
 * of them the longer the parents are. `lines` counts the non-empty lines (headers excluded) of all
 * parents together: 0.95 − 0.01 × lines, never below 0.5.
 */
export function mergeKeepProbability(lines: number): number {
  return Math.max(0.5, 0.95 - 0.01 * lines);
}

/**
 * Crossover: headers in first-seen order; per section the prose of one parent (seeded choice) and
 * the pooled, deduplicated bullets of all parents. Every line survives with `mergeKeepProbability`;
 * a section that would come out empty keeps one of its lines (seeded choice).
 */
export function combineSections(parents: readonly Section[][], rng: Rng): Section[] {
  const order: (string | null)[] = [];
  for (const p of parents) for (const s of p) if (!order.includes(s.header)) order.push(s.header);
  const total = parents.flat().reduce((n, s) => n + s.lines.filter((l) => l.trim()).length, 0);
  const keep = mergeKeepProbability(total);
  const child: Section[] = [];
  for (const header of order) {
    const versions = parents.map((p) => p.find((s) => s.header === header)).filter((s): s is Section => !!s);
    const prose = rng.pick(versions).lines.filter((l) => !isBullet(l));
    const seen = new Set<string>();
    const bullets: string[] = [];
    for (const v of versions) {
      for (const b of v.lines.filter(isBullet)) {
        if (seen.has(norm(b))) continue;
        seen.add(norm(b));
        bullets.push(b);
      }
    }
    const offered = [...prose, ...bullets];
    const kept = offered.filter((l) => !l.trim() || rng.chance(keep));
    if (!kept.some((l) => l.trim())) {
      const content = offered.filter((l) => l.trim());
      if (content.length > 0) kept.push(rng.pick(content));
    }
    child.push({ header, lines: kept });
  }
  return child;
}

/** The `## Rules` section, created after `## Task` (or before `## Output format`) when missing. */
export function rulesSection(sections: Section[]): Section {
  const existing = sections.find((s) => s.header?.toLowerCase() === 'rules');
  if (existing) return existing;
  const created: Section = { header: 'Rules', lines: [] };
  const task = sections.findIndex((s) => s.header?.toLowerCase() === 'task');
  const output = sections.findIndex((s) => s.header?.toLowerCase() === 'output format');
  const at = task >= 0 ? task + 1 : output >= 0 ? output : sections.length;
  sections.splice(at, 0, created);
  return created;
}

export function containsLine(sections: readonly Section[], line: string): boolean {
  const n = norm(line);
  return sections.some((s) => s.lines.some((l) => norm(l) === n));
}

export { isBullet };
