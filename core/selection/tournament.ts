import type { Rng } from '../rng.js';
import { byMeanDescending, type ScoredCandidate } from './candidate.js';

/** Best of `size` candidates drawn without replacement: selection pressure tuned by the size. */
export function tournamentSelect(candidates: readonly ScoredCandidate[], size: number, rng: Rng): ScoredCandidate {
  if (candidates.length === 0) throw new Error('tournamentSelect: no candidates to choose from');
  return rng.sample(candidates, Math.max(1, size)).sort(byMeanDescending)[0]!;
}
