import type { RunReportData } from './types.js';

// What the report says, derived from the stored run (`RunReportData`): the winner's ancestry, which
// test examples the winner fixed or broke, how each operator did. Pure functions, no markup; the
// section templates (`sections/`) and the lineage plot (`lineage-svg.ts`) decide how it looks.

export type Candidate = RunReportData['candidates'][number];
export type Example = RunReportData['examples'][number];

/** How the winner did on one test example compared with the seed. */
export type ExampleChange = 'fixed' | 'broken' | 'same' | 'unscored';

/** Scores closer than this are the same score printed at four decimals. */
export const SCORE_EPSILON = 1e-6;

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

export function exampleCounts(examples: Pick<Example, 'seed' | 'winner'>[]): Record<ExampleChange, number> {
  const counts: Record<ExampleChange, number> = { fixed: 0, broken: 0, same: 0, unscored: 0 };
  for (const e of examples) counts[exampleChange(e)] += 1;
  return counts;
}

export interface OperatorStats {
  operator: string;
  /** Candidates the operator made, evaluated or not. */
  made: number;
  /** Mean and best validation score over those it made that were fully evaluated. */
  mean: number | null;
  best: number | null;
  /** How many of the winner's ancestors (the winner included) it made. */
  inLineage: number;
}

/** One row per operator, the most productive first. */
export function operatorStats(candidates: Candidate[], lineage: Candidate[]): OperatorStats[] {
  const inLineage = new Set(lineage.map((c) => c.hash));
  const rows = new Map<string, { made: number; scores: number[]; lineage: number }>();
  for (const c of candidates) {
    const row = rows.get(c.operator) ?? { made: 0, scores: [], lineage: 0 };
    row.made += 1;
    if (c.score !== null) row.scores.push(c.score);
    if (inLineage.has(c.hash)) row.lineage += 1;
    rows.set(c.operator, row);
  }
  return [...rows.entries()]
    .sort((a, b) => b[1].made - a[1].made || a[0].localeCompare(b[0]))
    .map(([operator, r]) => ({
      operator,
      made: r.made,
      mean: r.scores.length > 0 ? r.scores.reduce((s, x) => s + x, 0) / r.scores.length : null,
      best: maxOrNull(r.scores),
      inLineage: r.lineage,
    }));
}

/** The best validation score among a candidate's parents, null when none of them was evaluated. */
export function bestParentScore(candidate: Candidate, byHash: Map<string, Candidate>): number | null {
  return maxOrNull(candidate.parents.map((p) => byHash.get(p)?.score ?? null));
}

/**
 * Dollars the run spent outside its generations (scoring the finalists on the test split), which
 * the cumulative spend chart adds as a last point; 0 when the generations account for it all.
 */
export function spendOutsideGenerations(data: Pick<RunReportData, 'totals' | 'generations'>): number {
  const generationSpend = data.generations.reduce((sum, g) => sum + g.costUsd, 0);
  const outside = data.totals.costUsd - generationSpend;
  return outside > 0.00005 ? outside : 0;
}

/** The share of all calls answered from the response cache. */
export function cachedShare(totals: RunReportData['totals']): number {
  const allCalls = totals.calls + totals.cachedCalls;
  return allCalls > 0 ? totals.cachedCalls / allCalls : 0;
}

/** The best test score and the lowest cost among the production models, to tag their rows. */
export function productionLeaders(rows: NonNullable<RunReportData['production']>): {
  bestTest: number;
  lowestCost: number;
} {
  return {
    bestTest: Math.max(...rows.map((r) => r.test)),
    lowestCost: Math.min(...rows.map((r) => r.costPer1000)),
  };
}

/** How many times cheaper a call to the student is than one to the teacher; null when the student is free. */
export function distillationSaving(d: NonNullable<RunReportData['distillation']>): number | null {
  return d.student.costPer1000 > 0 ? d.teacher.costPer1000 / d.student.costPer1000 : null;
}

export function maxOrNull(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length > 0 ? Math.max(...present) : null;
}
