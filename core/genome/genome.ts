import { hashOf } from '../hash.js';
import { normalizeInline, normalizeText } from '../text.js';

/** The instruction of a candidate prompt, split into sections operators can edit one at a time. */
export interface GenomeSections {
  role?: string;
  task: string;
  rules: string[];
  reasoning: 'direct' | 'think';
  uncertainty?: string;
  outputFormat?: string;
}

/** A few-shot demo: a dataset example by id, or a recorded trace (e.g. from a teacher model). */
export type Demo =
  | { kind: 'example'; exampleId: string }
  | {
      kind: 'trace';
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
      reasoning?: string;
      sourceExampleId?: string;
    };

export interface Genome {
  sections: GenomeSections;
  demos: Demo[];
}

export const SECTION_KEYS = ['role', 'task', 'rules', 'reasoning', 'uncertainty', 'outputFormat'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

/** Whitespace normalised, empty optional sections dropped: the form that is hashed and stored. */
export function normalizeGenome(genome: Genome): Genome {
  const s = genome.sections;
  const optional = (text: string | undefined): string | undefined => {
    const normalized = text === undefined ? '' : normalizeText(text);
    return normalized === '' ? undefined : normalized;
  };
  const sections: GenomeSections = {
    task: normalizeText(s.task),
    rules: s.rules.map(normalizeInline).filter((rule) => rule !== ''),
    reasoning: s.reasoning === 'think' ? 'think' : 'direct',
  };
  const role = optional(s.role);
  const uncertainty = optional(s.uncertainty);
  const outputFormat = optional(s.outputFormat);
  if (role !== undefined) sections.role = role;
  if (uncertainty !== undefined) sections.uncertainty = uncertainty;
  if (outputFormat !== undefined) sections.outputFormat = outputFormat;
  return { sections, demos: genome.demos.map((demo) => ({ ...demo })) };
}

/** Identical genomes (up to whitespace and key order) hash identically; duplicates are never evaluated twice. */
export function genomeHash(genome: Genome): string {
  return hashOf(normalizeGenome(genome));
}

export function serializeGenome(genome: Genome): string {
  return JSON.stringify(normalizeGenome(genome));
}

export function deserializeGenome(json: string): Genome {
  const value = JSON.parse(json) as Partial<Genome>;
  if (!value.sections || typeof value.sections.task !== 'string' || !Array.isArray(value.demos)) {
    throw new Error(
      'deserializeGenome: expected {"sections": {"task": ...}, "demos": [...]}; the stored genome is damaged',
    );
  }
  const stored = value.sections as Partial<GenomeSections> & { task: string };
  return normalizeGenome({
    sections: { ...stored, rules: stored.rules ?? [], reasoning: stored.reasoning ?? 'direct' },
    demos: value.demos,
  });
}

/** A stable identity for a demo, so demo operators can tell which are already present. */
export function demoKey(demo: Demo): string {
  return demo.kind === 'example' ? `example:${demo.exampleId}` : `trace:${hashOf(demo)}`;
}

export function withSections(genome: Genome, sections: Partial<GenomeSections>): Genome {
  return { sections: { ...genome.sections, ...sections }, demos: [...genome.demos] };
}
