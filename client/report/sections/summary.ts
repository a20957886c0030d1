import { count, percent, score, usd } from '../../number-format.js';
import { deltaSpan, esc } from '../html.js';
import { cachedShare } from '../model.js';
import type { RunReportData } from '../types.js';

/** The headline cards: the winner's scores against the seed's, calls and spend; then the verdict. */
export function renderSummary(data: RunReportData): string {
  const { seed, winner, totals } = data;
  const card = (label: string, value: string, sub: string, extra = ''): string =>
    `<div class="card${extra}"><div class="card-label">${label}</div><div class="card-value">${value}</div><div class="card-sub">${sub}</div></div>`;
  const scoreCard = (label: string, before: number | null, after: number | null, key: string): string =>
    card(
      label,
      `<span data-summary="${key}">${score(after)}</span>`,
      `seed ${score(before)} ${before !== null && after !== null ? deltaSpan(after - before) : ''}`,
      key === 'test' ? ' card-primary' : '',
    );
  return `<section class="cards">
  ${scoreCard('Test score · winner', seed.test, winner.test, 'test')}
  ${scoreCard('Validation score · winner', seed.val, winner.val, 'val')}
  ${card('Paid model calls', `<span data-summary="calls">${count(totals.calls)}</span>`, `${count(totals.tokens)} tokens`)}
  ${card('Cached calls', `<span data-summary="cached">${count(totals.cachedCalls)}</span>`, `${percent(cachedShare(totals))} of all calls, free`)}
  ${card('Spend', `<span data-summary="spend">${usd(totals.costUsd)}</span>`, data.distillation ? `including ${usd(data.distillation.costUsd)} distillation` : 'all models, all phases')}
</section>${winner.verdict ? `\n<p class="verdict${winner.verdict.significant ? '' : ' verdict-weak'}" data-summary="verdict">${esc(winner.verdict.text)}</p>` : ''}${winner.constantAnswer ? `\n<p class="verdict verdict-weak" data-summary="constant-answer">${esc(winner.constantAnswer)}</p>` : ''}`;
}
