import type { RngState } from '../core/rng.js';
import type {
  GenerationInput,
  GenerationResult,
  GenerationStats,
  Member,
  ProposalResult,
  Spend,
} from '../contracts/index.js';

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

/** The result of a generation that stopped before doing anything (no budget to score its parents). */
export function stoppedBeforeParents(
  input: GenerationInput,
  population: Member[],
  rngState: RngState,
  spend: Spend,
): GenerationResult {
  return {
    population,
    rngState,
    screenQueue: input.screenQueue ?? [],
    ...(input.runnersUp ? { runnersUp: input.runnersUp } : {}),
    stats: emptyStats(input.generation, population),
    spend,
    spendByModel: {},
    budgetExhausted: true,
    operatorCredit: input.operatorCredit ?? {},
  };
}

function emptyStats(generation: number, population: Member[]): GenerationStats {
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
