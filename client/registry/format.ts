import type { NameSummary, StoredLabelMove } from '../../storage/registry.js';
import { table } from '../format.js';
import { score, signedScore, utcMinute } from '../number-format.js';
import type { DiffLine, VersionDiff } from './diff.js';
import type { GatedPromotionOutcome } from './gated.js';
import type { LabelMoveOutcome } from './labels.js';
import type { PublishOutcome } from './publish.js';
import type { NameView, VersionView } from './read.js';

// Human renderings of the registry commands; `--json` prints the underlying objects instead.

const labelList = (labels: Record<string, number>): string =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, version]) => `${label}→${version}`)
    .join(' ');

const when = (d: Date | string): string => utcMinute(typeof d === 'string' ? d : d.toISOString()) ?? String(d);

export function formatPublish(p: PublishOutcome): string {
  const lines = [
    p.created
      ? `published ${p.reference} (${p.source.kind} ${p.source.candidateHash.slice(0, 12)} of run ${p.source.runId}, model ${p.model})`
      : `${p.reference} already holds this content (${p.source.kind} ${p.source.candidateHash.slice(0, 12)} of run ${p.source.runId}); nothing new was published`,
    `  hash ${p.hash.slice(0, 16)}  val ${score(p.source.scores.val)}  test ${score(p.source.scores.test)}  by ${p.createdBy}`,
  ];
  if (p.label) {
    lines.push(
      p.label.moved
        ? `  ${p.name}@${p.label.label}: ${p.label.from === null ? 'unset' : `version ${p.label.from}`} → version ${p.label.to}`
        : `  ${p.name}@${p.label.label} already points at version ${p.label.to}`,
    );
  }
  return lines.join('\n');
}

export function formatRegistryList(names: NameSummary[]): string {
  if (names.length === 0)
    return 'the registry is empty; publish a run with `promptevo registry publish <runId> --name <name>`';
  return table(
    ['NAME', 'VERSIONS', 'LATEST', 'LABELS', 'UPDATED'],
    names.map((n) => [n.name, String(n.versions), String(n.latest), labelList(n.labels), when(n.updatedAt)]),
  );
}

export function formatName(view: NameView): string {
  return [
    `${view.name}: ${view.versions.length} version(s)${Object.keys(view.labels).length ? `; labels ${labelList(view.labels)}` : '; no labels'}`,
    table(
      ['VERSION', 'KIND', 'MODEL', 'VAL', 'TEST', 'RUN', 'LABELS', 'CREATED', 'BY'],
      view.versions.map((v) => [
        String(v.version),
        v.kind,
        v.model,
        score(v.scores.val),
        score(v.scores.test),
        v.runId,
        v.labels.join(' '),
        when(v.createdAt),
        v.createdBy,
      ]),
    ),
  ].join('\n');
}

export function formatVersion(v: VersionView): string {
  const d = v.content.decoding;
  const s = v.source;
  return [
    `${v.reference}${v.labels.length ? ` (${v.labels.map((l) => `@${l}`).join(' ')})` : ''}  hash ${v.hash.slice(0, 16)}`,
    `  model ${v.content.model} at ${v.endpoint.baseUrl}${v.endpoint.apiKeyEnv ? ` (key from $${v.endpoint.apiKeyEnv})` : ''}`,
    `  decoding: temperature ${d.temperature}, max tokens ${d.maxTokens ?? 'default'}, structured output ${d.structuredOutput ? 'on' : 'off'}`,
    `  metric ${v.metric.kind}; ${v.demoCount} demo(s); signature ${Object.keys(v.content.signature.inputs).join(', ')} → ${Object.keys(v.content.signature.outputs).join(', ')}`,
    `  from ${s.kind} ${s.candidateHash.slice(0, 12)} of run ${s.runId} (task ${s.task}): val ${score(s.scores.val)}, test ${score(s.scores.test)}`,
    `  dataset ${s.datasetHash.slice(0, 16)}; optimized on ${s.optimizedOn.length} train/validation example(s)`,
    `  published ${when(v.createdAt)} by ${v.createdBy}`,
    '--- instruction ---',
    v.instruction,
  ].join('\n');
}

const diffText = (lines: DiffLine[]): string[] => lines.map((l) => `  ${l.op} ${l.text}`);

export function formatDiff(d: VersionDiff): string {
  const header = `${d.from} → ${d.to}`;
  if (d.identical) return `${header}: identical content`;
  const out = [header];
  for (const s of d.sections) out.push(`section ${s.section}:`, ...diffText(s.lines));
  if (d.demos.added.length || d.demos.removed.length) {
    out.push(`demos: ${d.demos.added.length} added, ${d.demos.removed.length} removed, ${d.demos.kept} kept`);
    for (const demo of d.demos.removed) out.push(`  - ${demo.inputs} ⇒ ${demo.outputs}`);
    for (const demo of d.demos.added) out.push(`  + ${demo.inputs} ⇒ ${demo.outputs}`);
  } else {
    out.push(`demos: unchanged (${d.demos.kept})`);
  }
  if (d.model) out.push(`model: ${d.model.from} → ${d.model.to}`);
  for (const c of d.decoding) out.push(`decoding ${c.setting}: ${String(c.from)} → ${String(c.to)}`);
  if (d.signatureChanged) out.push('signature: changed');
  if (d.metricChanged) out.push('metric: changed');
  const delta = (a: number | null, b: number | null): string =>
    a === null || b === null ? '' : ` (${signedScore(b - a)})`;
  out.push(
    `scores (as published): val ${score(d.scores.from.val)} → ${score(d.scores.to.val)}${delta(d.scores.from.val, d.scores.to.val)}, ` +
      `test ${score(d.scores.from.test)} → ${score(d.scores.to.test)}${delta(d.scores.from.test, d.scores.to.test)}`,
  );
  return out.join('\n');
}

/** One line on a move's evidence: a promotion decision's test, p-value, effect and n when it has them. */
export function evidenceSummary(evidence: unknown): string {
  if (evidence === null || evidence === undefined) return '';
  if (typeof evidence !== 'object' || Array.isArray(evidence)) return JSON.stringify(evidence).slice(0, 80);
  const e = evidence as Record<string, unknown>;
  const nested = [e.decision, e.verdict].find((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  const decision = (nested ?? e) as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof decision.decision === 'string') parts.push(decision.decision);
  if (typeof decision.test === 'string') parts.push(decision.test);
  if (typeof decision.pValue === 'number') parts.push(`p=${decision.pValue.toPrecision(3)}`);
  if (typeof decision.meanDifference === 'number') parts.push(`Δ ${signedScore(decision.meanDifference)}`);
  if (typeof decision.n === 'number') parts.push(`n=${decision.n}`);
  if (typeof e.promotionId === 'string') parts.push(e.promotionId);
  return parts.length > 0 ? parts.join(', ') : JSON.stringify(evidence).slice(0, 80);
}

export function formatHistory(name: string, moves: StoredLabelMove[]): string {
  if (moves.length === 0) return `${name}: no label has been moved yet`;
  return table(
    ['WHEN', 'LABEL', 'FROM', 'TO', 'HOW', 'BY', 'REASON', 'EVIDENCE'],
    moves.map((m) => [
      when(m.movedAt),
      m.label,
      m.from === null ? '-' : String(m.from),
      String(m.to),
      m.how,
      m.by,
      m.reason ?? '',
      evidenceSummary(m.evidence),
    ]),
  );
}

export function formatLabelMove(m: LabelMoveOutcome): string {
  return `${m.message}${m.reason ? `: ${m.reason}` : ''}`;
}

export function formatGated(o: GatedPromotionOutcome): string {
  return `promotion ${o.promotionId}: ${o.status}${o.labelMoved ? ' (label moved)' : ''}\n  ${o.message}`;
}
