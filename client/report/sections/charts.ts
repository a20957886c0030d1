import { usd } from '../../number-format.js';
import { esc } from '../html.js';
import { spendOutsideGenerations } from '../model.js';
import type { RunReportData } from '../types.js';

/**
 * The two chart panels. Their canvases are drawn in the browser by Chart.js (`assets/report.js`)
 * from the data embedded in the page.
 */
export function renderCharts(data: RunReportData): string {
  const outside = spendOutsideGenerations(data);
  const spendNote =
    outside > 0
      ? ` The last point adds ${usd(outside)} spent outside the generations (scoring the finalists on the test split).`
      : '';
  return `<section class="grid-2 charts">
  <div class="panel">
    <h2>Fitness per generation</h2>
    <p class="caption">Validation score of the population each generation left behind: the best, the mean and the range from worst to best.</p>
    <div class="chart-box"><canvas data-chart="fitness" role="img" aria-label="Best, mean and min to max validation score per generation"></canvas></div>
  </div>
  <div class="panel">
    <h2>Spend and calls</h2>
    <p class="caption">Cumulative dollars (line) and cumulative model calls, paid and answered from the cache (bars).${esc(spendNote)}</p>
    <div class="chart-box"><canvas data-chart="spend" role="img" aria-label="Cumulative spend and model calls per generation"></canvas></div>
  </div>
</section>`;
}
