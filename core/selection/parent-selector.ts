import type { Rng } from '../rng.js';
import type { SelectionName } from '../task/search-spec.js';
import type { ScoredCandidate } from './candidate.js';
import { selectElites } from './elitism.js';
import { paretoSelect } from './pareto.js';
import { tournamentSelect } from './tournament.js';

/** How a parent is chosen for the next child; swappable by `search.selection`. */
export interface ParentSelector {
  name: SelectionName;
  select(candidates: readonly ScoredCandidate[], rng: Rng): ScoredCandidate;
}

export function parentSelectorFromName(
  name: SelectionName,
  options: { tournamentSize: number; elites: number },
): ParentSelector {
  switch (name) {
    case 'elitism':
      // Uniform among the elites: exploitation only, useful for small budgets.
      return { name, select: (candidates, rng) => rng.pick(selectElites(candidates, Math.max(1, options.elites))) };
    case 'tournament':
      return { name, select: (candidates, rng) => tournamentSelect(candidates, options.tournamentSize, rng) };
    case 'pareto':
      return { name, select: (candidates, rng) => paretoSelect(candidates, rng) };
  }
}

/** `count` distinct parents where possible (crossover and DE need different prompts). */
export function selectDistinctParents(
  selector: ParentSelector,
  candidates: readonly ScoredCandidate[],
  count: number,
  rng: Rng,
): ScoredCandidate[] {
  const chosen: ScoredCandidate[] = [];
  let pool = [...candidates];
  while (chosen.length < count && pool.length > 0) {
    const next = selector.select(pool, rng);
    chosen.push(next);
    pool = pool.filter((c) => c.id !== next.id);
  }
  return chosen;
}
