import type { GenerationStats, Member, ProposalResult } from '../contracts/index.js';

/** What a generation did, as recorded in `generations.stats`, shown in its memo and returned. */
export function generationStats(done: {
  generation: number;
  /** The next population, best first. */
  next: Member[];
  planned: number;
  /** Slots left without a child: nothing to work on, or every parent perfect on the minibatch. */
  idle: number;
  screened: number;
  promoted: number;
  proposals: ProposalResult[];
}): GenerationStats {
  const best = done.next[0]!;
  return {
    generation: done.generation,
    proposed: done.planned,
    rejected: done.proposals.filter((p) => p.status === 'rejected').length,
    skipped: done.idle,
    screened: done.screened,
    promoted: done.promoted,
    bestHash: best.hash,
    bestScore: best.score,
    meanScore: done.next.reduce((a, m) => a + m.score, 0) / done.next.length,
    operators: countBy(done.proposals.flatMap((p) => (p.status === 'created' ? [p.operator] : []))),
  };
}

/** A generation that stopped before doing anything (no budget to score its parents). */
export function emptyStats(generation: number, population: Member[]): GenerationStats {
  const best = population[0];
  return {
    generation,
    proposed: 0,
    rejected: 0,
    skipped: 0,
    screened: 0,
    promoted: 0,
    bestHash: best?.hash ?? '',
    bestScore: best?.score ?? 0,
    meanScore: 0,
    operators: {},
  };
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
