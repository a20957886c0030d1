import type { Rng } from '../rng.js';
import type { SelectionName } from '../task/search-spec.js';
import { byMeanDescending, type ScoredCandidate } from './candidate.js';
import { selectElites } from './elitism.js';
import { paretoFrontier } from './pareto.js';
import { tournamentSelect } from './tournament.js';

export interface NextPopulationOptions {
  populationSize: number;
  elites: number;
  selection: SelectionName;
  tournamentSize: number;
  rng: Rng;
}

/**
 * Survivors of a generation from parents and fully evaluated children together: the
 * elites always survive; the remaining places go to Pareto frontier members (most wins
 * first), tournament winners, or the next best by mean, according to the strategy.
 */
export function nextPopulation(
  candidates: readonly ScoredCandidate[],
  options: NextPopulationOptions,
): ScoredCandidate[] {
  const { populationSize, rng } = options;
  if (candidates.length <= populationSize) return [...candidates].sort(byMeanDescending);
  const survivors = selectElites(candidates, Math.min(options.elites, populationSize));
  const taken = new Set(survivors.map((c) => c.id));
  const remaining = (): ScoredCandidate[] => candidates.filter((c) => !taken.has(c.id));
  const add = (c: ScoredCandidate): void => {
    if (survivors.length < populationSize && !taken.has(c.id)) {
      survivors.push(c);
      taken.add(c.id);
    }
  };
  if (options.selection === 'pareto') {
    const frontier = paretoFrontier(candidates).sort(
      (a, b) => b.wins - a.wins || byMeanDescending(a.candidate, b.candidate),
    );
    for (const member of frontier) add(member.candidate);
  } else if (options.selection === 'tournament') {
    while (survivors.length < populationSize) add(tournamentSelect(remaining(), options.tournamentSize, rng));
  }
  for (const c of remaining().sort(byMeanDescending)) add(c);
  return survivors.sort(byMeanDescending);
}
