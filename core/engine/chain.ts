import { byGain, type ChildPlan } from './plan.js';
import type { Member } from './types.js';

/** A child that beat its primary parent on a minibatch, with its gain (for a chain: summed over its links). */
export interface Winner {
  child: Member;
  gain: number;
}

/**
 * The chain's tip: the winner with the largest gain (ties by hash, so a replay picks the same),
 * or undefined when no child has beaten its parent yet. Later steps of the generation build on it.
 */
export function chainTip(winners: readonly Winner[]): Winner | undefined {
  let tip: Winner | undefined;
  for (const w of winners) {
    if (!tip || byGain(w, tip) < 0) tip = w;
  }
  return tip;
}

/**
 * Plans that build on the tip: each plan's primary parent (the one its child is screened against
 * and whose failures the operator reads) becomes the tip; the other parents the plan drew (a
 * crossover's partner, differential's donors and best) stay, unless one is the tip itself.
 */
export function plansOnTip(plans: readonly ChildPlan[], tip: string): ChildPlan[] {
  return plans.map((plan) => {
    const rest = plan.parents.slice(1).map((h) => (h === tip ? plan.parents[0]! : h));
    return { ...plan, parents: [tip, ...rest] };
  });
}

/**
 * The winners after a step: a new winner whose primary parent is an earlier winner extends that
 * link (its gain adds to the parent's, and the parent, now a middle link, leaves the list: only
 * a chain's last link is worth validating). Other winners join as they are.
 */
export function extendWinners(winners: readonly Winner[], found: readonly Winner[]): Winner[] {
  const byHash = new Map(winners.map((w) => [w.child.hash, w]));
  const superseded = new Set<string>();
  const added = found.map((w) => {
    const parent = byHash.get(w.child.parents[0] ?? '');
    if (!parent) return w;
    superseded.add(parent.child.hash);
    return { child: w.child, gain: w.gain + parent.gain };
  });
  return [...winners.filter((w) => !superseded.has(w.child.hash)), ...added];
}

/** Runners-up a run keeps for the end of its budget. */
const RUNNERS_UP = 4;

/**
 * The screened winners not validated, for when the budget ends the search: this generation's
 * first (largest gain first), then earlier generations' runners-up, without the ones validated
 * now; at most `limit`. Gains come from different minibatches, so only this generation's are
 * ranked against each other; earlier runners-up keep their order behind them.
 */
export function nextRunnersUp(
  earlier: readonly Member[],
  winners: readonly Winner[],
  validated: ReadonlySet<string>,
  limit = RUNNERS_UP,
): Member[] {
  const ranked = [...winners].sort(byGain).map((w) => w.child);
  const out: Member[] = [];
  for (const m of [...ranked, ...earlier]) {
    if (out.length >= limit) break;
    if (validated.has(m.hash) || out.some((o) => o.hash === m.hash)) continue;
    out.push({ hash: m.hash, operator: m.operator, parents: m.parents, score: 0, scores: [] });
  }
  return out;
}
