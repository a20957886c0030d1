import { canonicalJson } from '../../core/hash.js';
import { demoKey, normalizeGenome, type Demo, type GenomeSections } from '../../core/genome/genome.js';
import type { StoredVersion, VersionSource } from '../../storage/registry.js';

/** One line of a text diff: kept (' '), removed ('-') or added ('+'). */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** A demo as a person recognises it: its inputs and outputs, shortened. */
export interface DemoSummary {
  key: string;
  inputs: string;
  outputs: string;
}

export interface VersionDiff {
  from: string;
  to: string;
  /** Same content hash: the two references name the same prompt. */
  identical: boolean;
  /** Instruction sections that differ, each as a line diff (rules: one line per rule). */
  sections: { section: keyof GenomeSections; lines: DiffLine[] }[];
  demos: { added: DemoSummary[]; removed: DemoSummary[]; kept: number };
  model: { from: string; to: string } | null;
  decoding: { setting: string; from: unknown; to: unknown }[];
  signatureChanged: boolean;
  metricChanged: boolean;
  scores: { from: VersionSource['scores']; to: VersionSource['scores'] };
  sources: { from: Pick<VersionSource, 'runId' | 'kind'>; to: Pick<VersionSource, 'runId' | 'kind'> };
}

/**
 * Line diff by longest common subsequence (instructions are short: a few dozen lines), kept lines
 * included so the changes read in context.
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ op: '-', text: a[i++]! });
    } else {
      out.push({ op: '+', text: b[j++]! });
    }
  }
  while (i < n) out.push({ op: '-', text: a[i++]! });
  while (j < m) out.push({ op: '+', text: b[j++]! });
  return out;
}

const SECTION_ORDER: (keyof GenomeSections)[] = ['role', 'task', 'rules', 'reasoning', 'uncertainty', 'outputFormat'];

function sectionLines(sections: GenomeSections, key: keyof GenomeSections): string[] {
  const value = sections[key];
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map((rule) => `- ${rule}`);
  return value.split('\n');
}

function shorten(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function summarizeDemo(demo: Demo): DemoSummary {
  if (demo.kind === 'example') return { key: demoKey(demo), inputs: `example ${demo.exampleId}`, outputs: '' };
  const values = (record: Record<string, unknown>): string =>
    shorten(
      Object.entries(record)
        .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join('; '),
    );
  return { key: demoKey(demo), inputs: values(demo.inputs), outputs: values(demo.outputs) };
}

/** What changed from version `a` to version `b`: instruction, demos, model and decoding, and scores. */
export function diffVersions(a: StoredVersion, b: StoredVersion): VersionDiff {
  const ga = normalizeGenome(a.content.genome);
  const gb = normalizeGenome(b.content.genome);
  const sections = SECTION_ORDER.flatMap((section) => {
    const before = sectionLines(ga.sections, section);
    const after = sectionLines(gb.sections, section);
    if (canonicalJson(before) === canonicalJson(after)) return [];
    return [{ section, lines: diffLines(before, after) }];
  });
  const keysA = new Map(ga.demos.map((d) => [demoKey(d), d]));
  const keysB = new Map(gb.demos.map((d) => [demoKey(d), d]));
  const added = [...keysB].filter(([k]) => !keysA.has(k)).map(([, d]) => summarizeDemo(d));
  const removed = [...keysA].filter(([k]) => !keysB.has(k)).map(([, d]) => summarizeDemo(d));
  const kept = [...keysB.keys()].filter((k) => keysA.has(k)).length;
  const da = a.content.decoding;
  const db = b.content.decoding;
  const decoding = (['temperature', 'maxTokens', 'structuredOutput'] as const)
    .filter((setting) => da[setting] !== db[setting])
    .map((setting) => ({ setting, from: da[setting] ?? null, to: db[setting] ?? null }));
  return {
    from: `${a.name}:${a.version}`,
    to: `${b.name}:${b.version}`,
    identical: a.hash === b.hash,
    sections,
    demos: { added, removed, kept },
    model: a.content.model === b.content.model ? null : { from: a.content.model, to: b.content.model },
    decoding,
    signatureChanged: canonicalJson(a.content.signature) !== canonicalJson(b.content.signature),
    metricChanged: canonicalJson(a.metric) !== canonicalJson(b.metric),
    scores: { from: a.source.scores, to: b.source.scores },
    sources: {
      from: { runId: a.source.runId, kind: a.source.kind },
      to: { runId: b.source.runId, kind: b.source.kind },
    },
  };
}
