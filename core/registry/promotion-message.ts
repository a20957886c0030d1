import type { PromotionVerdict } from '../stats/promotion-test.js';

/** What a promotion's message is written from. */
export interface PromotionSummary {
  name: string;
  label: string;
  champion: number;
  challenger: number;
  status: 'promoted' | 'refused' | 'failed';
  labelMoved: boolean;
  verdict?: PromotionVerdict;
  /** Paid calls, calls answered from the response cache, tokens and dollars. */
  cost: { calls: number; cachedCalls: number; tokens: number; usd: number };
  /** Why it failed: the root cause, or the compare-and-swap's refusal. */
  error?: string;
}

/**
 * One paragraph for a person: what happened to the label, the decision with its evidence (test,
 * p-value, interval, n, discordant pairs, every failed gate) and what the promotion cost.
 */
export function describePromotion(s: PromotionSummary): string {
  const target = `${s.name}@${s.label}`;
  const headline =
    s.status === 'promoted'
      ? `Promoted: ${target} moved from version ${s.champion} to version ${s.challenger}.`
      : s.status === 'refused'
        ? `Refused: ${target} stays at version ${s.champion}; version ${s.challenger} was not promoted.`
        : `Failed: ${target} was not moved (version ${s.champion} → ${s.challenger}): ${s.error ?? 'unknown error'}.`;
  const evidence = s.verdict ? ` Decision: ${s.verdict.explanation}.` : '';
  const { calls, cachedCalls, tokens, usd } = s.cost;
  const cost =
    ` Cost: ${calls} paid model call${calls === 1 ? '' : 's'} and ${cachedCalls} answered from the cache, ` +
    `${tokens} tokens, $${usd.toFixed(4)}.`;
  return `${headline}${evidence}${cost}`;
}
