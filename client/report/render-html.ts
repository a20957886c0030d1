import { chartJsSource, reportScript, reportStyles } from './assets.js';
import { embedJson, esc } from './html.js';
import { renderCharts } from './sections/charts.js';
import { renderDistillation } from './sections/distillation.js';
import { renderExamples } from './sections/examples.js';
import { renderHeader } from './sections/header.js';
import { renderLineage } from './sections/lineage.js';
import { renderProduction } from './sections/production.js';
import { renderPrompts } from './sections/prompts.js';
import { renderSummary } from './sections/summary.js';
import type { RunReportData } from './types.js';

/**
 * Renders a run report as one self-contained HTML file: Chart.js, styles and the data are inlined,
 * so the file opens offline, can be mailed around and archived next to the run.
 */
export function renderRunReport(data: RunReportData): string {
  const title = `${data.run.task} · run ${data.run.id}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · promptevo report</title>
<style>${reportStyles()}</style>
</head>
<body>
<main>
${renderHeader(data)}
${renderSummary(data)}
${renderCharts(data)}
${renderLineage(data)}
${renderPrompts(data)}
${renderExamples(data)}
${data.production && data.production.length > 0 ? renderProduction(data.production) : ''}
${data.distillation ? renderDistillation(data.distillation) : ''}
<footer>promptevo run report · <code>${esc(data.run.id)}</code></footer>
</main>
<script type="application/json" id="report-data">${embedJson(data)}</script>
<script>${chartJsSource()}</script>
<script>${reportScript()}</script>
</body>
</html>
`;
}
