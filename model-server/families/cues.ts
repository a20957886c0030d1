// Deciding whether an instruction "conveys" a rule: some single sentence or line of the
// instruction must mention every concept of the rule, each concept being a group of synonyms
// (regular expressions). Paraphrases therefore count as long as they name the same concepts.

export interface CueSpec {
  /** Every group must match within one sentence; alternatives inside a group are synonyms. */
  groups: readonly string[];
  /** When this matches the same sentence, the sentence says something else (e.g. a narrower rule). */
  excludes?: string;
}

/** Sentences and lines of a text, lower-cased; bullets and headers are stripped. */
export function sentences(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\n|(?<=[.!?;])\s+/)
    .map((s) => s.replace(/^\s*(?:[-*]|\d+\.|#+)\s*/, '').trim())
    .filter((s) => s.length > 0);
}

export function sentenceMatches(sentence: string, spec: CueSpec): boolean {
  if (spec.excludes && new RegExp(spec.excludes, 'i').test(sentence)) return false;
  return spec.groups.every((group) => new RegExp(group, 'i').test(sentence));
}

export function conveys(text: string, spec: CueSpec): boolean {
  return sentences(text).some((s) => sentenceMatches(s, spec));
}
