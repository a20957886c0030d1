import type { Budget, Spend } from './types.js';

/** True when any configured budget is used up. Unset limits never stop a run. */
export function budgetExhausted(budget: Budget, spend: Spend): boolean {
  return (
    (budget.calls !== undefined && spend.calls >= budget.calls) ||
    (budget.tokens !== undefined && spend.tokens >= budget.tokens) ||
    (budget.usd !== undefined && spend.costUsd >= budget.usd)
  );
}

/**
 * Whether a wave of `calls` more model calls fits in what is left, estimating its tokens and
 * dollars from the average call so far; stopping before the wave keeps a run at or under budget.
 */
export function waveFits(budget: Budget, spend: Spend, calls: number): boolean {
  if (budgetExhausted(budget, spend)) return false;
  // Calls differ in size (meta prompts are long): half again the average keeps a wave inside.
  const perCallTokens = spend.calls > 0 ? (1.5 * spend.tokens) / spend.calls : 0;
  const perCallUsd = spend.calls > 0 ? (1.5 * spend.costUsd) / spend.calls : 0;
  if (budget.calls !== undefined && spend.calls + calls > budget.calls) return false;
  if (budget.tokens !== undefined && spend.tokens + perCallTokens * calls > budget.tokens) return false;
  if (budget.usd !== undefined && spend.costUsd + perCallUsd * calls > budget.usd) return false;
  return true;
}
