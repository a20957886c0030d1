import { score, usd } from '../../number-format.js';
import { esc } from '../html.js';
import { distillationSaving } from '../model.js';
import type { RunReportData } from '../types.js';

/** Teacher against student: whether the student reached the threshold, and what it saves per call. */
export function renderDistillation(d: NonNullable<RunReportData['distillation']>): string {
  const saving = distillationSaving(d);
  const verdict = d.thresholdMet
    ? `<span class="badge badge-fixed" data-distillation="met">threshold met</span>`
    : `<span class="badge badge-broken" data-distillation="missed">threshold not met</span>`;
  const side = (role: string, s: { model: string; val?: number; test: number; costPer1000: number }): string =>
    `<div class="card"><div class="card-label">${role}</div><div class="card-value small"><code>${esc(s.model)}</code></div><div class="card-sub">${s.val !== undefined ? `validation ${score(s.val)} · ` : ''}test ${score(s.test)} · ${usd(s.costPer1000)} per 1000 calls</div></div>`;
  return `<section class="panel" id="distillation">
  <div class="section-head"><h2>Distillation</h2>${verdict}</div>
  <p class="caption">The student scores ${score(d.student.val)} on validation against a threshold of ${score(d.threshold)}, and ${score(d.student.test)} on test against the teacher's ${score(d.teacher.test)}${saving !== null ? ` at ${saving >= 10 ? saving.toFixed(0) : saving.toFixed(1)}× lower cost per call` : ''}, after ${d.rounds} round${d.rounds === 1 ? '' : 's'} costing ${usd(d.costUsd)}.</p>
  <div class="distill">
    ${side('Teacher', d.teacher)}
    <div class="arrow">→</div>
    ${side('Student', d.student)}
  </div>
</section>`;
}
