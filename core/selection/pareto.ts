import type { Rng } from '../rng.js';
import { byMeanDescending, checkAligned, type ScoredCandidate } from './candidate.js';

export interface FrontierMember {
  candidate: ScoredCandidate;
  /** Examples on which this candidate has the best score (ties count for all tied). */
  wins: number;
}

/** True when a is at least as good as b everywhere and better somewhere. */
export function dominates(a: ScoredCandidate, b: ScoredCandidate): boolean {
  let better = false;
  for (let i = 0; i < a.scores.length; i++) {
    const [x, y] = [a.scores[i] ?? 0, b.scores[i] ?? 0];
    if (x < y) return false;
    if (x > y) better = true;
  }
  return better;
}

/**
 * GEPA's per-example Pareto frontier: candidates that are best on at least one example,
 * minus any that another such candidate dominates. Keeping specialists alive preserves
 * the different lessons they learned instead of converging on one average prompt.
 */
export function paretoFrontier(candidates: readonly ScoredCandidate[]): FrontierMember[] {
  checkAligned(candidates, 'paretoFrontier');
  const count = candidates[0]?.scores.length ?? 0;
  const wins = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const best = Math.max(...candidates.map((c) => c.scores[i] ?? 0));
    for (const c of candidates) if ((c.scores[i] ?? 0) === best) wins.set(c.id, (wins.get(c.id) ?? 0) + 1);
  }
  const winners = candidates.filter((c) => (wins.get(c.id) ?? 0) > 0);
  // Identical score vectors: keep one (the lowest id) so duplicates do not double their chances.
  const unique = winners.filter((c, i) => !winners.some((o, j) => j !== i && sameScores(o, c) && o.id < c.id));
  const frontier = unique.filter((c) => !unique.some((other) => other !== c && dominates(other, c)));
  return frontier.sort(byMeanDescending).map((candidate) => ({ candidate, wins: wins.get(candidate.id) ?? 0 }));
}

function sameScores(a: ScoredCandidate, b: ScoredCandidate): boolean {
  return a.scores.every((s, i) => s === b.scores[i]);
}

/** A frontier member sampled in proportion to how many examples it wins. */
export function paretoSelect(candidates: readonly ScoredCandidate[], rng: Rng): ScoredCandidate {
  const frontier = paretoFrontier(candidates);
  if (frontier.length === 0) {
    if (candidates.length === 0) throw new Error('paretoSelect: no candidates to choose from');
    return rng.pick(candidates); // no examples scored yet: nothing distinguishes them
  }
  return rng.weightedPick(
    frontier.map((m) => m.candidate),
    frontier.map((m) => m.wins),
  );
}
