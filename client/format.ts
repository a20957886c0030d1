import type { ChatMessage } from '../core/chat.js';
import type { RunDetails } from './run-details.js';
import { score } from './number-format.js';
import type { RunListEntry } from './run-list.js';
import type { DistillResult, ProgramScore, RunResult, RunStatusView } from '../contracts/index.js';

// Human-readable renderings for the CLI (numbers as `number-format.ts` writes them); `--json` prints
// the underlying objects instead.

export function formatResult(r: RunResult): string {
  const lines = [
    `run ${r.runId}: ${r.status} after ${r.generations} generation(s)`,
    `  baseline (seed)  val ${score(r.baseline.val)}  test ${score(r.baseline.test)}  ${r.baseline.hash.slice(0, 12)}`,
    `  best             val ${score(r.best.val)}  test ${score(r.best.test)}  ${r.best.hash.slice(0, 12)} (${r.best.operator})`,
    ...(r.winner ? [`  ${r.winner.significant ? '' : 'NOT SIGNIFICANT: '}${r.winner.verdict}`] : []),
    `  model calls ${r.modelCalls} paid, ${r.cachedCalls} from cache; ${r.tokens} tokens; $${r.costUsd.toFixed(4)}`,
  ];
  if (r.production?.length)
    lines.push('', 'seed and finalists on the production models (test split):', formatScores(r.production));
  if (r.distill) lines.push('', formatDistill(r.distill));
  return lines.join('\n');
}

/** Accuracy, tokens, latency and cost per 1,000 calls of programs on a split. */
export function formatScores(rows: ProgramScore[]): string {
  return table(
    ['PROGRAM', 'MODEL', 'ACCURACY', 'TOKENS/CALL', 'LATENCY MS', 'P95 MS', '$ / 1K CALLS'],
    rows.map((p) => [
      p.hash.slice(0, 12),
      p.model,
      score(p.accuracy),
      (p.promptTokensPerCall + p.completionTokensPerCall).toFixed(0),
      p.latencyMsMean.toFixed(0),
      p.latencyMsP95.toFixed(0),
      p.costPer1kUsd.toFixed(4),
    ]),
  );
}

export function formatDistill(d: DistillResult): string {
  const side = (name: string, s: { model: string; program: string; test?: ProgramScore }): string =>
    `  ${name} ${s.model} (${s.program}): test ${score(s.test?.accuracy ?? null)}, $${s.test ? s.test.costPer1kUsd.toFixed(4) : 'n/a'} per 1,000 calls`;
  return [
    `distillation: threshold ${d.threshold} on validation ${d.thresholdMet ? 'MET' : 'NOT met'} (${d.ended}) after ${d.rounds} round(s)`,
    side('teacher', d.teacher),
    side('student', d.student),
    `  student on validation: ${score(d.studentBaselineVal)} with the teacher's prompt, ${score(d.studentBootstrappedVal)} with demos from ${d.demoPool} passing teacher trace(s), ${score(d.student.valAccuracy)} final`,
    `  spent ${d.spend.calls} paid calls (+${d.spend.cachedCalls} cached), ${d.spend.tokens} tokens, $${d.spend.costUsd.toFixed(4)}`,
  ].join('\n');
}

export function formatStatus(s: RunStatusView): string {
  return [
    `run ${s.runId} (${s.task}): ${s.status}, phase ${s.phase}, generation ${Math.max(0, s.generation)}/${s.generations}`,
    `  best ${s.best ? `${score(s.best.score)} ${s.best.hash.slice(0, 12)}` : 'n/a'}  mean ${score(s.meanScore)}`,
    `  spend: ${s.spend.calls} calls (+${s.spend.cachedCalls} cached), ${s.spend.tokens} tokens, $${s.spend.costUsd.toFixed(4)}`,
  ].join('\n');
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatList(entries: RunListEntry[]): string {
  if (entries.length === 0) return 'no runs yet; start one with `promptevo run <task.yaml>`';
  return table(
    ['RUN', 'TASK', 'STATUS', 'PHASE', 'GEN', 'BEST', 'SPEND $', 'STARTED'],
    entries.map((e) => [
      e.runId,
      e.task,
      e.workflowStatus.toLowerCase(),
      e.phase ?? '',
      e.generation === null ? '' : String(e.generation),
      score(e.bestScore),
      e.spendUsd === null ? '' : e.spendUsd.toFixed(4),
      e.startTime.replace('T', ' ').slice(0, 19),
    ]),
  );
}

export function formatMessages(messages: ChatMessage[]): string {
  return messages.map((m) => `--- ${m.role} ---\n${m.content}`).join('\n');
}

export function formatDetails(d: RunDetails): string {
  const s = d.spec.search;
  const result = d.result && 'best' in d.result ? d.result : undefined;
  const lines = [
    `run ${d.runId} (${d.task}): ${d.status}, phase ${d.phase}`,
    `  started ${d.createdAt}${d.finishedAt ? `, finished ${d.finishedAt}` : ''}`,
    `  models: meta ${d.spec.roles.meta}, dev ${d.spec.roles.dev}, production ${d.spec.roles.production.join(', ')}`,
    `  search: population ${s.populationSize}, ${s.generations} generations, ${s.elites} elites, ${s.selection}, minibatch ${s.minibatchSize}, seed ${s.seed}`,
  ];
  if (d.result && 'error' in d.result) lines.push(`  failed: ${d.result.error}`);
  if (result) {
    lines.push(`  seed  val ${score(result.baseline.val)}  test ${score(result.baseline.test)}`);
    lines.push(`  best  val ${score(result.best.val)}  test ${score(result.best.test)}  (${result.best.operator})`);
    if (result.winner) lines.push(`  ${result.winner.significant ? '' : 'NOT SIGNIFICANT: '}${result.winner.verdict}`);
  }
  if (d.constantAnswer) lines.push(`  ONE ANSWER: ${d.constantAnswer}`);
  lines.push('', 'generations:');
  lines.push(
    table(
      ['GEN', 'BEST', 'MEAN', 'PROPOSED', 'EVALUATED', 'CALLS', 'SPEND $', 'BEST HASH'],
      d.generations.map((g) => [
        String(g.generation),
        score(g.bestScore),
        score(g.meanScore),
        String(g.proposed),
        String(g.promoted),
        String(g.calls),
        g.costUsd.toFixed(4),
        g.bestHash.slice(0, 12),
      ]),
    ),
  );
  if (result?.production?.length) {
    lines.push('', 'seed and finalists on the production models (test split):', formatScores(result.production));
  }
  if (d.distillation) {
    lines.push(
      '',
      d.distillation.result ? formatDistill(d.distillation.result) : `distillation: ${d.distillation.status}`,
    );
  }
  lines.push('', 'spend by model:');
  lines.push(
    table(
      ['MODEL', 'CALLS', 'CACHED', 'TOKENS', 'SPEND $'],
      d.spendByModel.map((m) => [
        m.model,
        String(m.calls),
        String(m.cachedCalls),
        String(m.tokens),
        m.costUsd.toFixed(4),
      ]),
    ),
  );
  if (d.best) {
    lines.push('', `best program ${d.best.hash.slice(0, 12)} (${d.best.operator}), as sent for a test example:`);
    lines.push(formatMessages(d.best.messages));
  }
  return lines.join('\n');
}
