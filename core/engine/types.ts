import type { BudgetSpec } from '../task/search-spec.js';

/**
 * The engine's own values: what a population member is, what a run has spent and what it may
 * spend. The wire types built from them (workflow and activity inputs and results) are in
 * contracts/.
 */

export interface Member {
  hash: string;
  operator: string;
  parents: string[];
  /** Mean validation score. */
  score: number;
  /**
   * Per-example validation scores, aligned with PreparedRun.valIds. Empty in workflow payloads when
   * `stored` is set: population × validation size would otherwise grow every payload.
   */
  scores: number[];
  /**
   * The member's validation scores are in storage (every example evaluated): payloads carry the
   * mean only, and a generation reads the vector back where it selects (no model call).
   */
  stored?: true;
}

export interface Spend {
  calls: number;
  cachedCalls: number;
  tokens: number;
  costUsd: number;
}

export const zeroSpend: Spend = { calls: 0, cachedCalls: 0, tokens: 0, costUsd: 0 };

/** Later snapshots of run totals are never smaller: activities report totals read from the ledger. */
export function maxSpend(a: Spend, b: Spend): Spend {
  return {
    calls: Math.max(a.calls, b.calls),
    cachedCalls: Math.max(a.cachedCalls, b.cachedCalls),
    tokens: Math.max(a.tokens, b.tokens),
    costUsd: Math.max(a.costUsd, b.costUsd),
  };
}

export type Budget = BudgetSpec;
