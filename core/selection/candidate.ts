/** A scored candidate as selection sees it: per-example scores aligned to one example order. */
export interface ScoredCandidate {
  id: string;
  /** scores[i] is the score on example i; every candidate compared together uses the same examples. */
  scores: number[];
}

export function meanScore(candidate: ScoredCandidate): number {
  return candidate.scores.length === 0 ? 0 : candidate.scores.reduce((a, b) => a + b, 0) / candidate.scores.length;
}

/** Best mean first; ties broken by id so the order never depends on input order. */
export function byMeanDescending(a: ScoredCandidate, b: ScoredCandidate): number {
  return meanScore(b) - meanScore(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function checkAligned(candidates: readonly ScoredCandidate[], where: string): void {
  const length = candidates[0]?.scores.length;
  const bad = candidates.find((c) => c.scores.length !== length);
  if (bad) {
    throw new Error(
      `${where}: candidate ${bad.id} has ${bad.scores.length} scores but ${candidates[0]!.id} has ${length}; compare candidates on the same examples`,
    );
  }
}
