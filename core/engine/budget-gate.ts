import { createBudget, isExhausted, wouldExceed, type BudgetState } from '../budget.js';
import type { Budget, Spend } from './types.js';

/** The engine's run totals as the budget module's state. */
export function budgetState(budget: Budget, spend: Spend): BudgetState {
  return createBudget(budget, { calls: spend.calls, tokens: spend.tokens, usd: spend.costUsd });
}

/** True when any configured budget is used up. Unset limits never stop a run. */
export function budgetExhausted(budget: Budget, spend: Spend): boolean {
  return isExhausted(budgetState(budget, spend));
}

/**
 * Whether a wave of `calls` more model calls fits in what is left, estimating its tokens and
 * dollars from the average call so far; stopping before the wave keeps a run at or under budget.
 */
export function waveFits(budget: Budget, spend: Spend, calls: number): boolean {
  const state = budgetState(budget, spend);
  if (isExhausted(state)) return false;
  // Calls differ in size (meta prompts are long): half again the average keeps a wave inside.
  const perCall = (total: number): number => (spend.calls > 0 ? (1.5 * total) / spend.calls : 0);
  return (
    wouldExceed(state, { calls, tokens: perCall(spend.tokens) * calls, usd: perCall(spend.costUsd) * calls }) ===
    undefined
  );
}
