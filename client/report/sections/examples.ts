import { score } from '../../number-format.js';
import { esc, escData, scoreClass } from '../html.js';
import { exampleChange, exampleCounts } from '../model.js';
import type { ReportOutput, RunReportData } from '../types.js';

/** Every test example with the seed's and the winner's answers, fixed and broken ones marked. */
export function renderExamples(data: RunReportData): string {
  const counts = exampleCounts(data.examples);
  const rows = data.examples
    .map((e) => {
      const change = exampleChange(e);
      const badge =
        change === 'fixed'
          ? '<span class="badge badge-fixed">fixed</span>'
          : change === 'broken'
            ? '<span class="badge badge-broken">broken</span>'
            : '';
      return `<tr class="row-${change}" data-change="${change}">
  <td class="id"><code>${esc(e.id)}</code>${badge}</td>
  <td class="text">${esc(e.inputs)}</td>
  <td class="text data expected">${escData(e.expected)}</td>
  ${outputCell(e.seed)}
  ${outputCell(e.winner)}
</tr>`;
    })
    .join('\n');
  return `<section class="panel" id="examples">
  <div class="section-head">
    <h2>Test examples: seed vs winner</h2>
    <div class="counts">
      <span class="badge badge-fixed">fixed <strong data-count="fixed">${counts.fixed}</strong></span>
      <span class="badge badge-broken">broken <strong data-count="broken">${counts.broken}</strong></span>
      <span class="badge">unchanged <strong data-count="same">${counts.same}</strong></span>
      <label class="filter">show <select id="example-filter">
        <option value="all">all ${data.examples.length}</option>
        <option value="changed">changed</option>
        <option value="fixed">fixed</option>
        <option value="broken">broken</option>
      </select></label>
    </div>
  </div>
  <p class="caption">Fixed ${counts.fixed}, broken ${counts.broken}: an example is fixed when the winner scores higher on it than the seed, broken when lower.</p>
  <div class="table-wrap">
  <table class="examples">
    <colgroup><col class="c-id"><col class="c-input"><col class="c-expected"><col class="c-out"><col class="c-out"></colgroup>
    <thead><tr><th>Example</th><th>Input</th><th>Expected</th><th>Seed</th><th>Winner</th></tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>
  </div>
</section>`;
}

function outputCell(out: ReportOutput | null): string {
  if (!out) return '<td class="text muted">not scored</td>';
  return `<td class="text"><span class="pill ${scoreClass(out.score)}">${score(out.score)}</span><div class="data">${escData(out.output)}</div></td>`;
}
