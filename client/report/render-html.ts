import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportOutput, RunReportData } from './types.js';

type Candidate = RunReportData['candidates'][number];
type Example = RunReportData['examples'][number];

/** How the winner did on one test example compared with the seed. */
export type ExampleChange = 'fixed' | 'broken' | 'same' | 'unscored';

/** Scores closer than this are the same score printed at four decimals. */
const SCORE_EPSILON = 1e-6;

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
<style>${STYLE}</style>
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
<script>${BROWSER_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The winner and every candidate it descends from, each once, winner first. Parents the report
 * does not know (an incomplete candidate list) are skipped rather than invented.
 */
export function winnerLineage(candidates: Candidate[], winnerHash: string): Candidate[] {
  const byHash = new Map(candidates.map((c) => [c.hash, c]));
  const seen = new Set<string>();
  const out: Candidate[] = [];
  const queue = [winnerHash];
  while (queue.length > 0) {
    const hash = queue.shift()!;
    if (seen.has(hash)) continue;
    seen.add(hash);
    const candidate = byHash.get(hash);
    if (!candidate) continue;
    out.push(candidate);
    queue.push(...candidate.parents);
  }
  return out;
}

export function exampleChange(example: Pick<Example, 'seed' | 'winner'>): ExampleChange {
  if (!example.seed || !example.winner) return 'unscored';
  const diff = example.winner.score - example.seed.score;
  if (diff > SCORE_EPSILON) return 'fixed';
  if (diff < -SCORE_EPSILON) return 'broken';
  return 'same';
}

// ---------------------------------------------------------------------------------------------
// Sections

function renderHeader(data: RunReportData): string {
  const { run } = data;
  const finished = run.finishedAt
    ? `${fmtDate(run.finishedAt)} <span class="muted">(${esc(fmtDuration(run.createdAt, run.finishedAt))})</span>`
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
    <div><dt>Started</dt><dd>${fmtDate(run.createdAt)}</dd></div>
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

function renderSummary(data: RunReportData): string {
  const { seed, winner, totals } = data;
  const allCalls = totals.calls + totals.cachedCalls;
  const cachedShare = allCalls > 0 ? totals.cachedCalls / allCalls : 0;
  const card = (label: string, value: string, sub: string, extra = ''): string =>
    `<div class="card${extra}"><div class="card-label">${label}</div><div class="card-value">${value}</div><div class="card-sub">${sub}</div></div>`;
  const scoreCard = (label: string, before: number | null, after: number | null, key: string): string =>
    card(
      label,
      `<span data-summary="${key}">${fmtScore(after)}</span>`,
      `seed ${fmtScore(before)} ${fmtDelta(before, after)}`,
      key === 'test' ? ' card-primary' : '',
    );
  return `<section class="cards">
  ${scoreCard('Test score · winner', seed.test, winner.test, 'test')}
  ${scoreCard('Validation score · winner', seed.val, winner.val, 'val')}
  ${card('Paid model calls', `<span data-summary="calls">${fmtInt(totals.calls)}</span>`, `${fmtInt(totals.tokens)} tokens`)}
  ${card('Cached calls', `<span data-summary="cached">${fmtInt(totals.cachedCalls)}</span>`, `${fmtPercent(cachedShare)} of all calls, free`)}
  ${card('Spend', `<span data-summary="spend">${fmtUsd(totals.costUsd)}</span>`, data.distillation ? `including ${fmtUsd(data.distillation.costUsd)} distillation` : 'all models, all phases')}
</section>${winner.verdict ? `\n<p class="verdict${winner.verdict.significant ? '' : ' verdict-weak'}" data-summary="verdict">${esc(winner.verdict.text)}</p>` : ''}`;
}

function renderCharts(data: RunReportData): string {
  const generationSpend = data.generations.reduce((sum, g) => sum + g.costUsd, 0);
  const outside = data.totals.costUsd - generationSpend;
  const spendNote =
    outside > 0.00005
      ? ` The last point adds ${fmtUsd(outside)} spent outside the generations (scoring the finalists on the test split).`
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

function renderLineage(data: RunReportData): string {
  const lineage = winnerLineage(data.candidates, data.winner.hash);
  if (lineage.length === 0) {
    return `<section class="panel"><h2>Winner lineage</h2><p class="muted">The winner is not among the run's candidates.</p></section>`;
  }
  const byHash = new Map(data.candidates.map((c) => [c.hash, c]));
  const shown = new Set<string>();
  const chip = (hash: string): string => {
    const c = byHash.get(hash);
    return c
      ? `<a href="#lineage-${esc(hash)}"><span class="op op-${esc(opClass(c.operator))}">${esc(c.operator)}</span> <code>${esc(short(hash))}</code></a> <span class="muted">gen ${c.generation}</span>`
      : `<code>${esc(short(hash))}</code> <span class="muted">(not in this report)</span>`;
  };
  // A diamond in the ancestry (two parents sharing a grandparent) would repeat whole subtrees, so
  // each candidate is drawn once and later mentions become links back to it. A candidate with one
  // new parent continues its list instead of nesting, so only real branching indents: a long run
  // of single-parent operators stays readable.
  const chain = (c: Candidate): string[] => {
    shown.add(c.hash);
    const parents = [...new Set(c.parents)];
    const fresh: Candidate[] = [];
    const refs: string[] = [];
    for (const p of parents) {
      const parent = byHash.get(p);
      if (parent && !shown.has(p) && !fresh.includes(parent)) fresh.push(parent);
      else refs.push(chip(p));
    }
    // Claim the fresh parents before descending, so one branch does not draw another's parent.
    for (const f of fresh) shown.add(f.hash);
    const branches = fresh.length > 1 ? fresh.map((f) => `<ol class="branch">${chain(f).join('')}</ol>`).join('') : '';
    const bestParent = maxOrNull(parents.map((p) => byHash.get(p)?.score ?? null));
    const isWinner = c.hash === data.winner.hash;
    // Notes that only repeat the operator's name add nothing next to its badge.
    const note = c.note && c.note.trim().toLowerCase() !== c.operator.toLowerCase() ? c.note : null;
    const item = `<li id="lineage-${esc(c.hash)}" data-lineage-hash="${esc(c.hash)}" data-generation="${c.generation}">
  <div class="node${isWinner ? ' is-winner' : ''}">
    <span class="op op-${esc(opClass(c.operator))}">${esc(c.operator)}</span>
    <code title="${esc(c.hash)}">${esc(short(c.hash))}</code>
    <span class="muted">gen ${c.generation}</span>
    <span class="score">${fmtScore(c.score)}</span>
    ${bestParent !== null && c.score !== null ? `<span class="delta ${deltaClass(c.score - bestParent)}">${fmtSigned(c.score - bestParent)} vs best parent</span>` : ''}
    ${isWinner ? '<span class="tag tag-win">winner</span>' : ''}
    ${note ? `<div class="note">${esc(note)}</div>` : ''}
    ${refs.length > 0 ? `<div class="refs" title="Drawn once elsewhere in this tree; follow the link">${fresh.length > 0 ? 'also made from' : 'made from'} ${refs.join('<span class="sep">,</span> ')}</div>` : ''}
  </div>
  ${branches}
</li>`;
    return fresh.length === 1 ? [item, ...chain(fresh[0]!)] : [item];
  };
  return `<section class="panel">
  <h2>Winner lineage</h2>
  <p class="caption">Every candidate the winner descends from (${lineage.length} including the winner), placed by generation and validation score; grey dots are the rest of the run's candidates. Below, each candidate is followed by the parent it was made from; where it had several, each parent's line indents.</p>
  ${lineageSvg(data.candidates, lineage, data.winner.hash)}
  <div class="lineage-layout">
    <ol class="tree">${chain(lineage[0]!).join('')}</ol>
    ${operatorTable(data.candidates, lineage)}
  </div>
</section>`;
}

function operatorTable(candidates: Candidate[], lineage: Candidate[]): string {
  const inLineage = new Set(lineage.map((c) => c.hash));
  const rows = new Map<string, { made: number; scores: number[]; lineage: number }>();
  for (const c of candidates) {
    const row = rows.get(c.operator) ?? { made: 0, scores: [], lineage: 0 };
    row.made += 1;
    if (c.score !== null) row.scores.push(c.score);
    if (inLineage.has(c.hash)) row.lineage += 1;
    rows.set(c.operator, row);
  }
  const body = [...rows.entries()]
    .sort((a, b) => b[1].made - a[1].made || a[0].localeCompare(b[0]))
    .map(([op, r]) => {
      const mean = r.scores.length > 0 ? r.scores.reduce((s, x) => s + x, 0) / r.scores.length : null;
      return `<tr><td><span class="op op-${esc(opClass(op))}">${esc(op)}</span></td><td class="num">${r.made}</td><td class="num">${fmtScore(mean)}</td><td class="num">${fmtScore(maxOrNull(r.scores))}</td><td class="num">${r.lineage}</td></tr>`;
    })
    .join('');
  return `<div class="operators">
    <h3>Operators</h3>
    <table>
      <thead><tr><th>Operator</th><th class="num">Made</th><th class="num">Mean</th><th class="num">Best</th><th class="num">In lineage</th></tr></thead>
      <tbody>${body}</tbody>
    </table>
    <p class="caption">Mean and best validation score over the candidates each operator made that were fully evaluated.</p>
  </div>`;
}

/** A fitness-over-generations plot of the lineage, drawn as static SVG so it needs no script. */
function lineageSvg(candidates: Candidate[], lineage: Candidate[], winnerHash: string): string {
  const W = 1040;
  const H = 280;
  const m = { left: 52, right: 28, top: 26, bottom: 40 };
  const scored = candidates.filter((c): c is Candidate & { score: number } => c.score !== null);
  const gens = candidates.map((c) => c.generation);
  const g0 = Math.min(...gens);
  const g1 = Math.max(...gens);
  const scores = scored.map((c) => c.score);
  const { lo, hi, step } = niceRange(
    scores.length > 0 ? Math.min(...scores) : 0,
    scores.length > 0 ? Math.max(...scores) : 1,
  );
  const colW = (W - m.left - m.right) / Math.max(1, g1 - g0 + 1);
  const x = (g: number): number => m.left + (g - g0 + 0.5) * colW;
  const y = (s: number | null): number => H - m.bottom - (((s ?? lo) - lo) / (hi - lo)) * (H - m.top - m.bottom);

  // Ancestors sharing a generation are spread sideways, parents to the left of their children.
  const depth = lineageDepths(lineage);
  const pos = new Map<string, { x: number; y: number }>();
  const perGen = new Map<number, Candidate[]>();
  for (const c of lineage) perGen.set(c.generation, [...(perGen.get(c.generation) ?? []), c]);
  for (const [g, group] of perGen) {
    group.sort((a, b) => (depth.get(a.hash) ?? 0) - (depth.get(b.hash) ?? 0) || (a.score ?? 0) - (b.score ?? 0));
    const spread = Math.min(64, (colW * 0.8) / Math.max(1, group.length - 1));
    group.forEach((c, i) => pos.set(c.hash, { x: x(g) + (i - (group.length - 1) / 2) * spread, y: y(c.score) }));
  }

  const parts: string[] = [];
  for (let t = 0; lo + t * step <= hi + 1e-9; t++) {
    const v = lo + t * step;
    parts.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${r1(y(v))}" y2="${r1(y(v))}" class="grid"/><text x="${m.left - 8}" y="${r1(y(v) + 4)}" text-anchor="end" class="axis">${v.toFixed(step < 0.1 ? 2 : 1)}</text>`,
    );
  }
  for (let g = g0; g <= g1; g++) {
    parts.push(`<text x="${r1(x(g))}" y="${H - m.bottom + 20}" text-anchor="middle" class="axis">gen ${g}</text>`);
  }
  parts.push(
    `<text x="14" y="${r1((H - m.bottom + m.top) / 2)}" transform="rotate(-90 14 ${r1((H - m.bottom + m.top) / 2)})" text-anchor="middle" class="axis">validation score</text>`,
  );
  const inLineage = new Set(lineage.map((c) => c.hash));
  for (const c of scored) {
    if (inLineage.has(c.hash)) continue;
    const jitter = ((hashNumber(c.hash) % 1000) / 1000 - 0.5) * colW * 0.6;
    parts.push(
      `<circle cx="${r1(x(c.generation) + jitter)}" cy="${r1(y(c.score))}" r="3.5" class="other"><title>${esc(`${c.operator} ${short(c.hash)} · gen ${c.generation} · ${fmtScore(c.score)}`)}</title></circle>`,
    );
  }
  for (const c of lineage) {
    const to = pos.get(c.hash)!;
    for (const p of new Set(c.parents)) {
      const from = pos.get(p);
      if (!from) continue;
      const mid = (from.x + to.x) / 2;
      parts.push(
        `<path d="M${r1(from.x)},${r1(from.y)} C${r1(mid)},${r1(from.y)} ${r1(mid)},${r1(to.y)} ${r1(to.x)},${r1(to.y)}" class="edge"/>`,
      );
    }
  }
  // Labels go above their dot, or below when that would overlap a label already placed;
  // the winner is placed first so its label is never the one displaced.
  const placed: { x0: number; x1: number; y0: number; y1: number }[] = [];
  const ordered = [...lineage].sort((a, b) => Number(b.hash === winnerHash) - Number(a.hash === winnerHash));
  for (const c of ordered) {
    const p = pos.get(c.hash)!;
    const isWinner = c.hash === winnerHash;
    const label = isWinner ? 'winner' : c.operator;
    const halfWidth = label.length * 3.3 + 2;
    const gap = isWinner ? 16 : 11;
    const box = (baseline: number) => ({
      x0: p.x - halfWidth,
      x1: p.x + halfWidth,
      y0: baseline - 10,
      y1: baseline + 2,
    });
    const free = (b: ReturnType<typeof box>): boolean =>
      placed.every((o) => b.x1 < o.x0 || b.x0 > o.x1 || b.y1 < o.y0 || b.y0 > o.y1);
    const above = box(p.y - gap);
    const below = box(p.y + gap + 9);
    const chosen = free(above) || !free(below) ? above : below;
    placed.push(chosen);
    parts.push(
      `<g class="anc"><title>${esc(`${c.operator} ${short(c.hash)} · gen ${c.generation} · ${fmtScore(c.score)}${c.note ? `\n${c.note}` : ''}`)}</title>` +
        (isWinner ? `<circle cx="${r1(p.x)}" cy="${r1(p.y)}" r="11" class="halo"/>` : '') +
        `<circle cx="${r1(p.x)}" cy="${r1(p.y)}" r="${isWinner ? 7 : 6}" fill="${opColor(c.operator)}" class="dot"/>` +
        `<text x="${r1(p.x)}" y="${r1(chosen.y1 - 2)}" text-anchor="middle" class="label${isWinner ? ' win' : ''}">${esc(label)}</text></g>`,
    );
  }
  return `<svg class="lineage-plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="Winner lineage by generation and validation score">${parts.join('')}</svg>`;
}

function renderPrompts(data: RunReportData): string {
  const { seed, winner } = data;
  return `<section class="grid-2 prompts">
  <div class="panel">
    <h2>Seed instruction</h2>
    <p class="caption"><code>${esc(short(seed.hash))}</code> · val ${fmtScore(seed.val)} · test ${fmtScore(seed.test)}</p>
    <pre data-prompt="seed">${esc(seed.instruction)}</pre>
  </div>
  <div class="panel">
    <h2>Winner instruction</h2>
    <p class="caption"><code>${esc(short(winner.hash))}</code> · val ${fmtScore(winner.val)} · test ${fmtScore(winner.test)} · ${winner.demos} demo${winner.demos === 1 ? '' : 's'}</p>
    <pre data-prompt="winner">${esc(winner.instruction)}</pre>
  </div>
</section>`;
}

function renderExamples(data: RunReportData): string {
  const counts: Record<ExampleChange, number> = { fixed: 0, broken: 0, same: 0, unscored: 0 };
  const rows = data.examples
    .map((e) => {
      const change = exampleChange(e);
      counts[change] += 1;
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
  return `<td class="text"><span class="pill ${scoreClass(out.score)}">${fmtScore(out.score)}</span><div class="data">${escData(out.output)}</div></td>`;
}

function renderProduction(rows: NonNullable<RunReportData['production']>): string {
  const best = Math.max(...rows.map((r) => r.test));
  const cheapest = Math.min(...rows.map((r) => r.costPer1000));
  const body = rows
    .map(
      (r) => `<tr>
  <td><code>${esc(r.model)}</code>${r.test === best ? ' <span class="tag tag-win">best score</span>' : ''}${r.costPer1000 === cheapest && rows.length > 1 ? ' <span class="tag">cheapest</span>' : ''}</td>
  <td class="num">${fmtScore(r.test)}</td>
  <td class="num">${fmtInt(Math.round(r.tokensPerCall))}</td>
  <td class="num">${fmtInt(Math.round(r.latencyMs))} ms</td>
  <td class="num">${fmtUsd(r.costPer1000)}</td>
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

function renderDistillation(d: NonNullable<RunReportData['distillation']>): string {
  const saving = d.student.costPer1000 > 0 ? d.teacher.costPer1000 / d.student.costPer1000 : null;
  const verdict = d.thresholdMet
    ? `<span class="badge badge-fixed" data-distillation="met">threshold met</span>`
    : `<span class="badge badge-broken" data-distillation="missed">threshold not met</span>`;
  const side = (role: string, s: { model: string; val?: number; test: number; costPer1000: number }): string =>
    `<div class="card"><div class="card-label">${role}</div><div class="card-value small"><code>${esc(s.model)}</code></div><div class="card-sub">${s.val !== undefined ? `validation ${fmtScore(s.val)} · ` : ''}test ${fmtScore(s.test)} · ${fmtUsd(s.costPer1000)} per 1000 calls</div></div>`;
  return `<section class="panel" id="distillation">
  <div class="section-head"><h2>Distillation</h2>${verdict}</div>
  <p class="caption">The student scores ${fmtScore(d.student.val)} on validation against a threshold of ${fmtScore(d.threshold)}, and ${fmtScore(d.student.test)} on test against the teacher's ${fmtScore(d.teacher.test)}${saving !== null ? ` at ${saving >= 10 ? saving.toFixed(0) : saving.toFixed(1)}× lower cost per call` : ''}, after ${d.rounds} round${d.rounds === 1 ? '' : 's'} costing ${fmtUsd(d.costUsd)}.</p>
  <div class="distill">
    ${side('Teacher', d.teacher)}
    <div class="arrow">→</div>
    ${side('Student', d.student)}
  </div>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Helpers

let chartJs: string | undefined;

function chartJsSource(): string {
  if (chartJs === undefined) {
    // The package's exports map hides dist/, so find the bundle next to its CommonJS entry.
    const entry = createRequire(import.meta.url).resolve('chart.js');
    const path = join(dirname(entry), 'chart.umd.min.js');
    // The source map is not shipped in the report; a dangling reference would make devtools fetch it.
    chartJs = readFileSync(path, 'utf8')
      .replace(/\/\/# sourceMappingURL=\S+/g, '')
      .replace(/<\/(script)/gi, '<\\/$1');
  }
  return chartJs;
}

/** JSON inside a script element: `<` escaped so no string in the data can close the element. */
function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Escaped, with break opportunities after JSON's separators so structured outputs wrap at fields. */
function escData(text: string): string {
  return esc(text).replace(/([,:])/g, '$1<wbr>');
}

/** Only web links: a `javascript:` URL in the data must not become a clickable script. */
function safeUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function short(hash: string): string {
  return hash.slice(0, 8);
}

function r1(n: number): string {
  return n.toFixed(1);
}

function hashNumber(hash: string): number {
  let h = 0;
  for (let i = 0; i < hash.length; i++) h = (h * 31 + hash.charCodeAt(i)) >>> 0;
  return h;
}

function maxOrNull(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length > 0 ? Math.max(...present) : null;
}

/** Steps from the seed, so same-generation ancestors can be ordered parent before child. */
function lineageDepths(lineage: Candidate[]): Map<string, number> {
  const byHash = new Map(lineage.map((c) => [c.hash, c]));
  const depth = new Map<string, number>();
  const visit = (c: Candidate, trail: Set<string>): number => {
    const known = depth.get(c.hash);
    if (known !== undefined) return known;
    if (trail.has(c.hash)) return 0;
    trail.add(c.hash);
    const parents = c.parents.map((p) => byHash.get(p)).filter((p): p is Candidate => p !== undefined);
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => visit(p, trail)));
    depth.set(c.hash, d);
    return d;
  };
  for (const c of lineage) visit(c, new Set());
  return depth;
}

function niceRange(min: number, max: number): { lo: number; hi: number; step: number } {
  const span = Math.max(max - min, 0.05);
  const step = span > 0.5 ? 0.2 : span > 0.2 ? 0.1 : 0.05;
  const lo = Math.max(0, Math.floor((min - span * 0.08) / step) * step);
  const hi = Math.max(lo + step, Math.ceil((max + span * 0.08) / step) * step);
  return { lo, hi, step };
}

const OP_COLORS: Record<string, string> = {
  seed: '#475569',
  mutate: '#3b6ea5',
  reflect: '#2f8a6e',
  crossover: '#8a63b8',
  differential: '#c0772a',
  merge: '#b5527a',
  demo: '#6f8f2d',
  bootstrap: '#4f8fb0',
};

function opColor(op: string): string {
  return OP_COLORS[op] ?? '#8b95a3';
}

function opClass(op: string): string {
  return op in OP_COLORS ? op : 'other';
}

function statusClass(status: string): string {
  return ['completed', 'stopped', 'budget_exhausted', 'failed', 'running', 'paused'].includes(status)
    ? status
    : 'other';
}

function scoreClass(score: number): string {
  return score >= 1 - SCORE_EPSILON ? 'pill-ok' : score <= SCORE_EPSILON ? 'pill-bad' : 'pill-mid';
}

function deltaClass(d: number): string {
  return d > SCORE_EPSILON ? 'up' : d < -SCORE_EPSILON ? 'down' : 'flat';
}

function fmtScore(score: number | null): string {
  return score === null ? '—' : score.toFixed(3);
}

function fmtSigned(d: number): string {
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(3)}`;
}

function fmtDelta(before: number | null, after: number | null): string {
  if (before === null || after === null) return '';
  const d = after - before;
  return `<span class="delta ${deltaClass(d)}">${fmtSigned(d)}</span>`;
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

function fmtPercent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 && share > 0 ? 1 : 0)}%`;
}

function fmtUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) < 0.01) return `$${usd.toFixed(4)}`;
  if (Math.abs(usd) < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** UTC, so a report reads the same wherever it is rendered or opened. */
function fmtDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return esc(iso);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function fmtDuration(fromIso: string, toIso: string): string {
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${s % 60} s`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

// ---------------------------------------------------------------------------------------------
// Browser side: plain ES2020 in a string, because a transpiled function's source may carry
// helpers that do not exist in the page.

const BROWSER_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const gens = data.generations;
  const labels = gens.map((g) => 'gen ' + g.generation);
  const drawnCharts = new WeakSet();
  let drawn = 0;
  const markDrawn = {
    id: 'markDrawn',
    afterRender(chart) {
      if (drawnCharts.has(chart)) return;
      drawnCharts.add(chart);
      drawn += 1;
      document.body.dataset.chartsRendered = String(drawn);
    },
  };
  const usd = (v) => '$' + (v === 0 ? '0' : Math.abs(v) < 1 ? v.toFixed(3) : v.toFixed(2));

  const filter = document.getElementById('example-filter');
  if (filter) {
    filter.addEventListener('change', () => {
      for (const row of document.querySelectorAll('#examples tbody tr')) {
        const c = row.dataset.change;
        row.hidden = !(filter.value === 'all' || filter.value === c || (filter.value === 'changed' && (c === 'fixed' || c === 'broken')));
      }
    });
  }

  if (typeof Chart === 'undefined') return;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#5b6472';
  Chart.defaults.borderColor = '#e7e9ee';
  // Legend keys drawn as what the series is: a (dashed) line for lines, a swatch for bars and bands.
  const legend = {
    position: 'bottom',
    labels: {
      usePointStyle: true, pointStyleWidth: 24, boxHeight: 9, padding: 16,
      generateLabels: (chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart)
        .filter((item) => item.text !== 'min')
        .map((item) => {
          const ds = chart.data.datasets[item.datasetIndex];
          const line = (ds.type || chart.config.type) === 'line' && !ds.fill;
          return { ...item, text: item.text === 'max' ? 'min–max range' : item.text, pointStyle: line ? 'line' : 'rect',
            lineWidth: line ? Math.min(3, ds.borderWidth || 1) : ds.fill ? 1 : 0 };
        }),
    },
  };

  const fitness = [
    { label: 'min', data: gens.map((g) => g.min), borderColor: 'rgba(59,110,165,0.35)', borderWidth: 1, pointRadius: 0, fill: false },
    { label: 'max', data: gens.map((g) => g.max), borderColor: 'rgba(59,110,165,0.35)', borderWidth: 1, pointRadius: 0,
      backgroundColor: 'rgba(59,110,165,0.13)', fill: '-1' },
    { label: 'mean', data: gens.map((g) => g.mean), borderColor: '#8a94a3', backgroundColor: '#8a94a3', borderDash: [6, 4],
      borderWidth: 2, pointRadius: 2.5 },
    { label: 'best', data: gens.map((g) => g.best), borderColor: '#1f4e79', backgroundColor: '#1f4e79', borderWidth: 3,
      pointRadius: 4 },
  ];
  if (data.seed.val !== null) {
    fitness.push({ label: 'seed', data: gens.map(() => data.seed.val), borderColor: '#b45309', backgroundColor: '#b45309',
      borderDash: [2, 3], borderWidth: 1.5, pointRadius: 0 });
  }
  new Chart(document.querySelector('canvas[data-chart="fitness"]'), {
    type: 'line',
    data: { labels, datasets: fitness },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend,
        tooltip: { callbacks: { label: (ctx) => ' ' + ctx.dataset.label + ': ' + ctx.parsed.y.toFixed(3) } },
      },
      scales: { x: { grid: { display: false } }, y: { grace: '4%', ticks: { callback: (v) => Number(v).toFixed(2) },
        title: { display: true, text: 'validation score' } } },
    },
    plugins: [markDrawn],
  });

  const spendLabels = labels.slice();
  const cost = [], paid = [], cached = [];
  let c = 0, p = 0, k = 0;
  for (const g of gens) { c += g.costUsd; p += g.calls; k += g.cachedCalls; cost.push(c); paid.push(p); cached.push(k); }
  const t = data.totals;
  if (t.costUsd - c > 0.00005 || t.calls > p || t.cachedCalls > k) {
    spendLabels.push('final'); cost.push(Math.max(c, t.costUsd)); paid.push(Math.max(p, t.calls)); cached.push(Math.max(k, t.cachedCalls));
  }
  new Chart(document.querySelector('canvas[data-chart="spend"]'), {
    type: 'bar',
    data: {
      labels: spendLabels,
      datasets: [
        { type: 'line', label: 'spend (USD)', data: cost, yAxisID: 'y', borderColor: '#b7791f', backgroundColor: '#b7791f',
          borderWidth: 3, pointRadius: 4, order: 0 },
        { label: 'paid calls', data: paid, yAxisID: 'y1', stack: 'calls', backgroundColor: 'rgba(59,110,165,0.55)', order: 1,
          borderRadius: 2 },
        { label: 'cached calls', data: cached, yAxisID: 'y1', stack: 'calls', backgroundColor: 'rgba(59,110,165,0.2)', order: 1,
          borderRadius: 2 },
      ],
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend,
        tooltip: { callbacks: { label: (ctx) => ' ' + ctx.dataset.label + ': ' +
          (ctx.dataset.yAxisID === 'y' ? usd(ctx.parsed.y) : ctx.parsed.y.toLocaleString('en-US')) } },
      },
      scales: {
        x: { stacked: true, grid: { display: false } },
        y: { position: 'left', beginAtZero: true, ticks: { callback: (v) => usd(Number(v)) },
          title: { display: true, text: 'cumulative spend' } },
        y1: { position: 'right', stacked: true, beginAtZero: true, grid: { drawOnChartArea: false },
          title: { display: true, text: 'cumulative calls' } },
      },
    },
    plugins: [markDrawn],
  });
})();
`;

const STYLE = `
:root {
  --bg: #f5f6f8; --panel: #fff; --ink: #1f2633; --muted: #667085; --line: #e4e7ec; --soft: #f8f9fb;
  --accent: #1f4e79; --ok: #2f7d55; --ok-bg: #eaf5ee; --bad: #b4432f; --bad-bg: #fbeeeb; --warn: #a0620f; --warn-bg: #fdf3e2;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 28px 20px 40px; }
h1 { font-size: 26px; line-height: 1.2; margin: 2px 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 16px; margin: 0 0 4px; }
h3 { font-size: 13px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
code { font-family: var(--mono); font-size: 0.92em; }
a { color: var(--accent); }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em;
  border-bottom: 1px solid var(--line); padding: 8px 10px; }
td { border-bottom: 1px solid var(--line); padding: 8px 10px; vertical-align: top; }
tbody tr:last-child td { border-bottom: none; }
.num { text-align: right; }
.muted { color: var(--muted); }
.caption { color: var(--muted); margin: 0 0 14px; font-size: 13px; }
.verdict { margin: 8px 0 0; color: var(--muted, #555); }
.verdict-weak { color: #9a3b00; font-weight: 600; }
section, header.top { margin-bottom: 18px; }
.panel, header.top { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 20px 22px; }
.top-row { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px; }
.eyebrow { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; }
.run-id { color: var(--muted); }
.button { display: inline-block; padding: 8px 14px; border: 1px solid var(--line); border-radius: 8px; text-decoration: none;
  font-weight: 600; white-space: nowrap; background: var(--soft); }
.button:hover { border-color: var(--accent); }
.facts { display: flex; flex-wrap: wrap; gap: 8px 36px; margin: 18px 0 14px; padding: 14px 0 0; border-top: 1px solid var(--line); }
.facts dt { color: var(--muted); font-size: 12px; }
.facts dd { margin: 2px 0 0; font-weight: 600; }
.models td.url { font-family: var(--mono); font-size: 12.5px; color: var(--muted); word-break: break-all; }
.chip { display: inline-block; padding: 1px 8px; border-radius: 999px; background: #eef2f7; color: #3d4a5c; font-size: 12px; }
.status { display: inline-block; margin-left: 6px; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600;
  background: #eef2f7; color: #3d4a5c; vertical-align: 1px; }
.status-completed { background: var(--ok-bg); color: var(--ok); }
.status-failed { background: var(--bad-bg); color: var(--bad); }
.status-budget_exhausted, .status-stopped, .status-paused { background: var(--warn-bg); color: var(--warn); }
.status-running { background: #e8f0f9; color: var(--accent); }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card-primary { border-color: #b9cbe0; box-shadow: inset 0 3px 0 var(--accent); }
.card-label { color: var(--muted); font-size: 12px; }
.card-value { font-size: 26px; font-weight: 650; margin: 4px 0 2px; font-variant-numeric: tabular-nums; letter-spacing: -0.01em; }
.card-value.small { font-size: 17px; }
.card-sub { color: var(--muted); font-size: 12.5px; }
.delta { font-weight: 600; font-variant-numeric: tabular-nums; }
.delta.up { color: var(--ok); } .delta.down { color: var(--bad); } .delta.flat { color: var(--muted); }
.grid-2 { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.prompts { align-items: start; }
.charts .panel { display: flex; flex-direction: column; }
.chart-box { position: relative; height: 290px; margin-top: auto; }
.lineage-plot { width: 100%; height: auto; display: block; margin: 0 0 16px; }
.lineage-plot .grid { stroke: #eceef2; }
.lineage-plot .axis { fill: #8a94a3; font-size: 11px; }
.lineage-plot .other { fill: #c3c9d2; opacity: 0.8; }
.lineage-plot .edge { fill: none; stroke: #7f93ad; stroke-width: 1.6; opacity: 0.75; }
.lineage-plot .dot { stroke: #fff; stroke-width: 1.5; }
.lineage-plot .halo { fill: none; stroke: var(--accent); stroke-width: 2; }
.lineage-plot .label { fill: #4b5565; font-size: 11px; }
.lineage-plot .label.win { fill: var(--accent); font-weight: 700; }
.lineage-layout { display: grid; grid-template-columns: minmax(0, 1fr) 350px; gap: 24px; align-items: start; }
.tree, .tree ol { list-style: none; margin: 0; padding: 0; }
.tree li { position: relative; margin: 0 0 8px; }
.tree li + li::before { content: ''; position: absolute; left: 22px; top: -8px; height: 8px; border-left: 2px solid #cbd2dc; }
.tree ol.branch { margin: 8px 0 0 22px; padding: 0 0 0 16px; border-left: 2px solid #dfe3ea; }
.tree ol.branch + ol.branch { margin-top: 12px; }
.node { padding: 6px 10px; border: 1px solid var(--line); border-radius: 8px; background: var(--soft); display: flex; flex-wrap: wrap;
  align-items: baseline; gap: 4px 10px; }
.node.is-winner { background: #eef4fb; border-color: #b9cbe0; }
.node .score { font-weight: 650; font-variant-numeric: tabular-nums; }
.node .note { flex-basis: 100%; color: #4b5565; font-size: 13px; }
.node .refs { flex-basis: 100%; color: var(--muted); font-size: 12.5px; }
.node .refs a { text-decoration: none; color: inherit; }
.node .refs .op { min-width: 0; font-size: 11px; padding: 0 6px; }
.node .refs code { font-size: 11.5px; }
.node .refs .sep { margin-right: 2px; }
.op { display: inline-block; min-width: 70px; text-align: center; padding: 1px 8px; border-radius: 6px; font-size: 12px; font-weight: 600;
  color: #fff; background: #8b95a3; }
${Object.entries(OP_COLORS)
  .map(([op, color]) => `.op-${op} { background: ${color}; }`)
  .join('\n')}
.tag { display: inline-block; padding: 0 7px; border-radius: 999px; font-size: 11.5px; font-weight: 600; background: #eef2f7; color: #3d4a5c; }
.tag-win { background: var(--accent); color: #fff; }
.operators table { font-size: 13px; }
.operators table td, .operators table th { padding: 6px 6px; white-space: nowrap; }
.operators .op { min-width: 0; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; font: 12.5px/1.55 var(--mono); background: var(--soft);
  border: 1px solid var(--line); border-radius: 8px; padding: 14px; max-height: 560px; overflow: auto; }
.section-head { display: flex; justify-content: space-between; align-items: center; gap: 12px; flex-wrap: wrap; margin-bottom: 4px; }
.counts { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.badge { display: inline-block; padding: 2px 9px; border-radius: 999px; font-size: 12px; background: #eef2f7; color: #3d4a5c; }
.badge-fixed { background: var(--ok-bg); color: var(--ok); }
.badge-broken { background: var(--bad-bg); color: var(--bad); }
td .badge { margin-top: 4px; display: table; }
.filter { color: var(--muted); font-size: 12.5px; margin-left: 6px; }
.filter select { font: inherit; padding: 2px 4px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.table-wrap { overflow-x: auto; }
table.examples { table-layout: fixed; }
.examples .c-id { width: 138px; } .examples .c-expected { width: 175px; } .examples .c-out { width: 190px; }
.examples td.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.examples .data { font: 12px/1.5 var(--mono); }
.examples td.data { padding-top: 9px; }
.examples .pill { margin-bottom: 3px; }
.examples tr.row-fixed td { background: #f3faf5; }
.examples tr.row-fixed td:first-child { box-shadow: inset 3px 0 0 var(--ok); }
.examples tr.row-broken td { background: #fdf4f2; }
.examples tr.row-broken td:first-child { box-shadow: inset 3px 0 0 var(--bad); }
.examples .id code { font-size: 12px; color: #4b5565; overflow-wrap: anywhere; }
.pill { display: inline-block; min-width: 40px; text-align: center; padding: 0 6px; border-radius: 5px; font-size: 11.5px; font-weight: 600;
  font-variant-numeric: tabular-nums; margin-right: 4px; }
.pill-ok { background: var(--ok-bg); color: var(--ok); }
.pill-bad { background: var(--bad-bg); color: var(--bad); }
.pill-mid { background: var(--warn-bg); color: var(--warn); }
.distill { display: flex; align-items: stretch; gap: 14px; }
.distill .card { flex: 1; background: var(--soft); }
.distill .arrow { align-self: center; font-size: 22px; color: var(--muted); }
footer { text-align: center; color: var(--muted); font-size: 12px; margin-top: 26px; }
@media (max-width: 900px) {
  .cards { grid-template-columns: repeat(2, 1fr); }
  .grid-2, .lineage-layout { grid-template-columns: 1fr; }
}
@media print {
  body { background: #fff; }
  .panel, .card, header.top { break-inside: avoid; }
  .filter { display: none; }
}
`;
