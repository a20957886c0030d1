import { operatorFromName, chooseOperator } from '../operators/registry.js';
import type { Rng } from '../rng.js';
import type { ScoredCandidate } from '../selection/candidate.js';
import { nextPopulation } from '../selection/next-population.js';
import { parentSelectorFromName, selectDistinctParents } from '../selection/parent-selector.js';
import { screenCandidates } from '../selection/screening.js';
import type { OperatorName, SearchSpec } from '../task/search-spec.js';
import type { EvaluationResult, Member } from './types.js';

/** Examples per evaluation activity: enough to amortise overhead, small enough to spread over workers. */
export const EVAL_BATCH = 20;

/** One child to make: which operator, on which parents, with which seed for its own choices. */
export interface ChildPlan {
  operator: OperatorName;
  parents: string[];
  seed: number;
}

const asCandidate = (m: Member): ScoredCandidate => ({ id: m.hash, scores: m.scores });

/**
 * Plans a generation's children. Operators that need more distinct parents than the population
 * has are left out (generation 0 starts from the seed alone). Differential evolution takes its
 * parents as base (selected), two random donors and the current best, as EvoPrompt does.
 */
export function planChildren(options: {
  population: Member[];
  slots: number;
  search: SearchSpec;
  rng: Rng;
}): ChildPlan[] {
  const { population, slots, search, rng } = options;
  const selector = parentSelectorFromName(search.selection, {
    tournamentSize: search.tournamentSize,
    elites: search.elites,
  });
  const candidates = population.map(asCandidate);
  const best = [...population].sort((a, b) => b.score - a.score || (a.hash < b.hash ? -1 : 1))[0];
  const usable = (name: OperatorName): boolean => operatorFromName(name).parentsNeeded <= population.length;
  const plans: ChildPlan[] = [];
  for (let i = 0; i < slots; i++) {
    const operator = chooseOperator(search.operators, rng, usable);
    const needed = operatorFromName(operator).parentsNeeded;
    let parents: string[];
    if (operator === 'differential' && best) {
      const base = selector.select(candidates, rng).id;
      const donors = rng.sample(
        population.map((m) => m.hash).filter((h) => h !== base && h !== best.hash),
        2,
      );
      parents = donors.length === 2 ? [base, donors[0]!, donors[1]!, best.hash] : [base, base, base, best.hash];
    } else {
      parents = selectDistinctParents(selector, candidates, needed, rng).map((c) => c.id);
    }
    plans.push({ operator, parents, seed: rng.int(2 ** 31 - 1) });
  }
  return plans;
}

/**
 * Successive-halving screen: the best `keep` fraction of children by minibatch mean, and of those
 * only children at least as good as their best parent on the same minibatch (GEPA's acceptance).
 */
export function promoteAfterScreening(options: {
  children: Member[];
  screened: EvaluationResult[];
  parentScores: Map<string, number[]>;
  keep: number;
}): Member[] {
  const { children, screened, parentScores, keep } = options;
  const byHash = new Map(screened.map((s) => [s.hash, s]));
  const kept = new Set(
    screenCandidates(
      screened.map((s) => ({ id: s.hash, scores: s.scores })),
      keep,
    ).map((c) => c.id),
  );
  return children.filter((child) => {
    const result = byHash.get(child.hash);
    if (!result || !kept.has(child.hash)) return false;
    const parentBest = Math.max(0, ...child.parents.map((p) => average(parentScores.get(p) ?? [])));
    return result.mean >= parentBest;
  });
}

/** Parents and fully evaluated children compete for the next population; best first. */
export function choosePopulation(options: {
  parents: Member[];
  children: Member[];
  search: SearchSpec;
  rng: Rng;
}): Member[] {
  const { parents, children, search, rng } = options;
  const all = new Map<string, Member>();
  for (const m of [...parents, ...children]) if (!all.has(m.hash)) all.set(m.hash, m);
  const chosen = nextPopulation([...all.values()].map(asCandidate), {
    populationSize: search.populationSize,
    elites: search.elites,
    selection: search.selection,
    tournamentSize: search.tournamentSize,
    rng,
  });
  return chosen.map((c) => all.get(c.id)!);
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function average(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
