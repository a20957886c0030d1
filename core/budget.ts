import type { ModelPricing } from './task/model-spec.js';
import type { BudgetSpec } from './task/search-spec.js';

/**
 * Budget accounting as plain data, so a workflow can carry it through continue-as-new.
 * Limits are optional per dimension; an absent limit never stops a run.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface Spend {
  calls: number;
  tokens: number;
  usd: number;
}

export interface BudgetState {
  limits: BudgetSpec;
  spent: Spend;
}

export const ZERO_SPEND: Spend = { calls: 0, tokens: 0, usd: 0 };

/** Dollars for one response: pricing is per million tokens. */
export function cost(usage: Usage, pricing: ModelPricing): number {
  return (usage.inputTokens * pricing.inputPerMTok + usage.outputTokens * pricing.outputPerMTok) / 1_000_000;
}

export function createBudget(limits: BudgetSpec, spent: Spend = ZERO_SPEND): BudgetState {
  return { limits: { ...limits }, spent: { ...spent } };
}

/** Adds spend; `calls` defaults to one call for the given usage. */
export function charge(state: BudgetState, usage: Usage, pricing: ModelPricing, calls = 1): BudgetState {
  return addSpend(state, { calls, tokens: usage.inputTokens + usage.outputTokens, usd: cost(usage, pricing) });
}

export function addSpend(state: BudgetState, spend: Spend): BudgetState {
  const s = state.spent;
  return {
    limits: state.limits,
    spent: { calls: s.calls + spend.calls, tokens: s.tokens + spend.tokens, usd: s.usd + spend.usd },
  };
}

/** What is left per limited dimension (never negative); unlimited dimensions are absent. */
export function remaining(state: BudgetState): Partial<Spend> {
  const out: Partial<Spend> = {};
  for (const key of ['calls', 'tokens', 'usd'] as const) {
    const limit = state.limits[key];
    if (limit !== undefined) out[key] = Math.max(0, limit - state.spent[key]);
  }
  return out;
}

/** The first limit the estimated extra spend would cross, as a sentence; undefined when it fits. */
export function wouldExceed(state: BudgetState, estimate: Partial<Spend>): string | undefined {
  for (const key of ['calls', 'tokens', 'usd'] as const) {
    const limit = state.limits[key];
    const after = state.spent[key] + (estimate[key] ?? 0);
    if (limit !== undefined && after > limit) {
      const show = (n: number): string => (key === 'usd' ? `$${n.toFixed(4)}` : String(Math.ceil(n)));
      return `budget.${key}: ${show(after)} would exceed the limit of ${show(limit)} (spent ${show(state.spent[key])}); extend the budget to continue`;
    }
  }
  return undefined;
}

export function isExhausted(state: BudgetState): boolean {
  return (['calls', 'tokens', 'usd'] as const).some((key) => {
    const limit = state.limits[key];
    return limit !== undefined && state.spent[key] >= limit;
  });
}

/** Raises limits by the delta (from a signal or update); a dimension without a limit stays unlimited. */
export function extend(state: BudgetState, delta: Partial<Spend>): BudgetState {
  const limits: BudgetSpec = { ...state.limits };
  for (const key of ['calls', 'tokens', 'usd'] as const) {
    const add = delta[key];
    if (add === undefined) continue;
    if (add < 0) throw new Error(`extend: budget.${key} delta must not be negative (got ${add})`);
    const limit = limits[key];
    if (limit !== undefined) limits[key] = limit + add;
  }
  return { limits, spent: { ...state.spent } };
}
