import { count, score, usd } from '../../number-format.js';
import { esc } from '../html.js';
import { productionLeaders } from '../model.js';
import type { RunReportData } from '../types.js';

/** The winner on each production model: score, tokens, latency and cost, the best and cheapest tagged. */
export function renderProduction(rows: NonNullable<RunReportData['production']>): string {
  const { bestTest, lowestCost } = productionLeaders(rows);
  const body = rows
    .map(
      (r) => `<tr>
  <td><code>${esc(r.model)}</code>${r.test === bestTest ? ' <span class="tag tag-win">best score</span>' : ''}${r.costPer1000 === lowestCost && rows.length > 1 ? ' <span class="tag">cheapest</span>' : ''}</td>
  <td class="num">${score(r.test)}</td>
  <td class="num">${count(Math.round(r.tokensPerCall))}</td>
  <td class="num">${count(Math.round(r.latencyMs))} ms</td>
  <td class="num">${usd(r.costPer1000)}</td>
</tr>`,
    )
    .join('\n');
  return `<section class="panel" id="production">
  <h2>Winner on the production models</h2>
  <p class="caption">The winning prompt on each production model, on the test split.</p>
  <table>
    <thead><tr><th>Model</th><th class="num">Test score</th><th class="num">Tokens / call</th><th class="num">Latency</th><th class="num">Cost / 1000 calls</th></tr></thead>
    <tbody>
${body}
    </tbody>
  </table>
</section>`;
}
