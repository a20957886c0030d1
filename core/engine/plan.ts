import { adaptedMix, type OperatorCredit } from '../operators/adaptive-mix.js';
import { operatorFromName, chooseOperator } from '../operators/registry.js';
import type { Rng } from '../rng.js';
import type { ScoredCandidate } from '../selection/candidate.js';
import { nextPopulation } from '../selection/next-population.js';
import { parentSelectorFromName, selectDistinctParents } from '../selection/parent-selector.js';
import type { OperatorName, SearchSpec } from '../task/search-spec.js';
import type { Member } from './types.js';

/**
 * Examples per evaluation activity when the spec does not say (search.examplesPerActivity's
 * default, and the size for runs recorded before the setting existed, so their replay is unchanged).
 */
export const EVAL_BATCH = 20;

/** Examples per evaluation activity for this search (older specs have no setting: EVAL_BATCH). */
export function examplesPerActivity(search: { examplesPerActivity?: number }): number {
  return search.examplesPerActivity ?? EVAL_BATCH;
}

/** One child to make: which operator, on which parents, with which seed for its own choices. */
export interface ChildPlan {
  operator: OperatorName;
  parents: string[];
  seed: number;
}

const asCandidate = (m: Member): ScoredCandidate => ({ id: m.hash, scores: m.scores });

/**
 * Plans a generation's children. Operators that need more distinct parents than the population
 * has are left out (generation 0 starts from the seed alone), and so are operators `exclude`
 * rules out (a slot drawn again after its operator had nothing to work on). Differential
 * evolution takes its parents as base (selected), two random donors and the current best, as
 * EvoPrompt does. The first parent is a child's primary parent: the one it is screened against.
 */
export function planChildren(options: {
  population: Member[];
  slots: number;
  search: SearchSpec;
  rng: Rng;
  exclude?: (operator: OperatorName) => boolean;
  /** Operators' success so far; with search.adaptiveOperators it reweights the mix. */
  credit?: OperatorCredit;
}): ChildPlan[] {
  const { population, slots, search, rng, exclude } = options;
  const mix = search.adaptiveOperators ? adaptedMix(search.operators, options.credit ?? {}) : search.operators;
  const selector = parentSelectorFromName(search.selection, {
    tournamentSize: search.tournamentSize,
    elites: search.elites,
  });
  const candidates = population.map(asCandidate);
  const best = [...population].sort((a, b) => b.score - a.score || (a.hash < b.hash ? -1 : 1))[0];
  const usable = (name: OperatorName): boolean =>
    operatorFromName(name).parentsNeeded <= population.length && !exclude?.(name);
  const plans: ChildPlan[] = [];
  for (let i = 0; i < slots; i++) {
    const operator = chooseOperator(mix, rng, usable);
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
 * The next `size` examples of a shuffled pass over `pool` (an epoch, as GEPA samples its
 * minibatches): successive generations see new examples until the pool is used up, then a new
 * shuffled pass starts. Ids in the queue that left the pool are dropped.
 */
export function nextMinibatch(
  queue: readonly string[],
  pool: readonly string[],
  size: number,
  rng: Rng,
): { minibatch: string[]; queue: string[] } {
  const n = Math.min(size, pool.length);
  const inPool = new Set(pool);
  const kept = queue.filter((id) => inPool.has(id));
  const minibatch = kept.slice(0, n);
  let rest = kept.slice(n);
  if (minibatch.length < n) {
    const taken = new Set(minibatch);
    const pass = rng.shuffle(pool.filter((id) => !taken.has(id)));
    const need = n - minibatch.length;
    minibatch.push(...pass.slice(0, need));
    rest = pass.slice(need);
  }
  return { minibatch, queue: rest };
}

/** Whether every score is perfect: a child can then not strictly beat this parent on the minibatch. */
export function perfectOn(scores: readonly number[] | undefined): boolean {
  return scores !== undefined && scores.length > 0 && scores.every((s) => s >= 1);
}

/** Whether some operator can still be drawn once `exclude` rules some out. */
export function anyOperatorLeft(
  search: SearchSpec,
  populationSize: number,
  exclude: (operator: OperatorName) => boolean,
): boolean {
  return (Object.keys(search.operators) as OperatorName[]).some(
    (name) => search.operators[name] > 0 && operatorFromName(name).parentsNeeded <= populationSize && !exclude(name),
  );
}

/**
 * The paired screen (GEPA's acceptance): a child earns a full evaluation only when it beats its
 * primary parent on the same minibatch (a higher sum of scores, example by example the same
 * draws). Of those, at most the best `keep` fraction of the screened children (at least one)
 * go on, largest gain first.
 */
export function promoteAfterScreening(options: {
  children: Member[];
  childScores: Map<string, number[]>;
  parentScores: Map<string, number[]>;
  keep: number;
}): Member[] {
  const scores = new Map([...options.parentScores, ...options.childScores]);
  return promoteWinners(gainsOverParent({ children: options.children, scores }), options.children.length, options.keep);
}

/** Winners ranked largest gain first, ties by hash (so a replay ranks them the same). */
export function byGain(a: { child: Member; gain: number }, b: { child: Member; gain: number }): number {
  return b.gain - a.gain || (a.child.hash < b.child.hash ? -1 : a.child.hash > b.child.hash ? 1 : 0);
}

/**
 * Children that beat their parent, largest gain first: at most `max`, and at most the `keep`
 * fraction of the `screened` children (at least one).
 */
export function promoteWinners(
  winners: readonly { child: Member; gain: number }[],
  screened: number,
  keep: number,
  max = Number.POSITIVE_INFINITY,
): Member[] {
  const ranked = [...winners].sort(byGain);
  return ranked.slice(0, Math.min(max, Math.max(1, Math.ceil(screened * keep)))).map((w) => w.child);
}

/** Every child with a higher minibatch sum than its primary parent (scores from one minibatch), with its gain. */
export function gainsOverParent(options: {
  children: Member[];
  scores: Map<string, number[]>;
}): { child: Member; gain: number }[] {
  const { children, scores } = options;
  return children.flatMap((child) => {
    const own = scores.get(child.hash);
    const parent = scores.get(child.parents[0] ?? '');
    if (!own || !parent) return [];
    const gain = sum(own) - sum(parent);
    return gain > 1e-9 ? [{ child, gain }] : [];
  });
}

/** The largest k ≤ n whose wave of k × `callsEach` calls fits (`fits` says whether a wave of that many calls does). */
export function affordable(n: number, callsEach: number, fits: (calls: number) => boolean): number {
  let k = n;
  while (k > 0 && !fits(k * callsEach)) k--;
  return k;
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

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
