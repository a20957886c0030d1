import { duration, utcMinute } from '../../number-format.js';
import { esc, safeUrl, statusClass } from '../html.js';
import type { RunReportData } from '../types.js';

/** The run: task, id and status, a link to the Temporal UI, when it ran, and its model endpoints. */
export function renderHeader(data: RunReportData): string {
  const { run } = data;
  const finished = run.finishedAt
    ? `${date(run.finishedAt)} <span class="muted">(${esc(duration(run.createdAt, run.finishedAt))})</span>`
    : '<span class="muted">not finished</span>';
  const models = run.models
    .map(
      (m) => `<tr>
  <td><strong>${esc(m.name)}</strong></td>
  <td><code>${esc(m.model)}</code></td>
  <td class="url">${esc(m.baseUrl)}</td>
  <td>${m.roles.map((r) => `<span class="chip">${esc(r)}</span>`).join(' ')}</td>
</tr>`,
    )
    .join('\n');
  const link = safeUrl(run.uiUrl);
  return `<header class="top">
  <div class="top-row">
    <div>
      <div class="eyebrow">promptevo · run report</div>
      <h1>${esc(run.task)}</h1>
      <div class="run-id">run <code>${esc(run.id)}</code> <span class="status status-${esc(statusClass(run.status))}">${esc(run.status.replace(/_/g, ' '))}</span></div>
    </div>
    ${link ? `<a class="button" href="${esc(link)}" target="_blank" rel="noopener noreferrer">Open in Temporal UI ↗</a>` : ''}
  </div>
  <dl class="facts">
    <div><dt>Started</dt><dd>${date(run.createdAt)}</dd></div>
    <div><dt>Finished</dt><dd>${finished}</dd></div>
    <div><dt>Generations</dt><dd>${data.generations.length}</dd></div>
    <div><dt>Candidates</dt><dd>${data.candidates.length}</dd></div>
    <div><dt>PRNG seed</dt><dd>${run.seed}</dd></div>
    ${run.metric ? `<div><dt>Metric</dt><dd>${esc(run.metric)}</dd></div>` : ''}
  </dl>
  <table class="models">
    <thead><tr><th>Endpoint</th><th>Model</th><th>Base URL</th><th>Roles</th></tr></thead>
    <tbody>
${models}
    </tbody>
  </table>
</header>`;
}

/** A stored timestamp as written when it is not a date, so a report never hides one. */
function date(iso: string): string {
  return esc(utcMinute(iso) ?? iso);
}
