import { byMeanDescending, type ScoredCandidate } from './candidate.js';

/**
 * Successive halving: new children are first scored on a small minibatch and only the
 * best fraction earns a full evaluation. Each rung keeps `keep` of the previous one and
 * scores survivors on a larger batch, ending with the full set.
 */
export interface Rung {
  /** Candidates evaluated at this rung. */
  candidates: number;
  /** Examples each is evaluated on. */
  examples: number;
}

export function successiveHalvingRungs(options: {
  candidates: number;
  minibatchSize: number;
  fullSize: number;
  keep: number;
}): Rung[] {
  const { minibatchSize, fullSize, keep } = options;
  if (!(keep > 0 && keep <= 1)) throw new Error(`successiveHalvingRungs: keep must be in (0, 1], got ${keep}`);
  const rungs: Rung[] = [];
  let candidates = options.candidates;
  let examples = Math.min(minibatchSize, fullSize);
  while (candidates > 0) {
    rungs.push({ candidates, examples });
    if (examples >= fullSize || candidates === 1 || keep === 1) break;
    candidates = Math.max(1, Math.ceil(candidates * keep));
    examples = Math.min(fullSize, Math.round(examples / keep));
  }
  if (rungs[rungs.length - 1]!.examples < fullSize)
    rungs.push({ candidates: rungs[rungs.length - 1]!.candidates, examples: fullSize });
  return rungs;
}

/** The best `keep` fraction (at least one) of screened candidates, by minibatch mean. */
export function screenCandidates(screened: readonly ScoredCandidate[], keep: number): ScoredCandidate[] {
  if (screened.length === 0) return [];
  return [...screened].sort(byMeanDescending).slice(0, Math.max(1, Math.ceil(screened.length * keep)));
}
