import { byMeanDescending, type ScoredCandidate } from './candidate.js';

/** The k best by mean score: the survivors elitism always keeps. */
export function selectElites(candidates: readonly ScoredCandidate[], k: number): ScoredCandidate[] {
  return [...candidates].sort(byMeanDescending).slice(0, Math.max(0, k));
}
