import { encodePurpose, maxSpend, type RunResult, type ScoredProgram } from '../../contracts/index.js';
import { waveFits } from '../../core/engine/budget-gate.js';
import { examplesPerActivity } from '../../core/engine/plan.js';
import { pairedComparison, type PairedComparison } from '../../core/stats/paired-test.js';
import { evaluateInBatches } from '../evaluate-batches.js';
import { withScores } from '../score-handles.js';
import { acts } from './activities.js';
import { mean, type Run } from './state.js';

/** How many of the final population are scored on the test split beside the seed. */
const FINALISTS = 3;

export interface Finalists {
  /** The seed, then the finalists not equal to it, each with its test score when it was measured. */
  programs: ScoredProgram[];
  baseline: ScoredProgram;
  finalists: ScoredProgram[];
  best: ScoredProgram;
  /** The best against the seed on the validation examples. */
  winner: RunResult['winner'];
}

/**
 * Scores the seed and the finalists on the test split. The seed's and the best's calls were
 * reserved up front, so both are always scored; the other finalists only while the budget lasts.
 */
export async function scoreFinalists(run: Run): Promise<Finalists> {
  const { state } = run;
  const { runId } = run.input;
  const prepared = state.prepared!;
  const seedHash = state.seedHash ?? '';
  run.enter('finalizing', 'Scoring the seed and the finalists on the test split');
  const finalistMembers = state.population.slice(0, FINALISTS);
  // The seed was scored on validation in generation 0; this reads it back (from PostgreSQL, no model call).
  const seedOnVal = await acts.evaluateCandidate({
    runId,
    generation: state.generation,
    hash: seedHash,
    role: 'dev',
    exampleIds: prepared.valIds,
    purpose: encodePurpose({ stage: 'evolve', name: 'validate' }),
  });
  state.spend = maxSpend(state.spend, seedOnVal.spend);
  const seedMember = { hash: seedHash, operator: 'seed', score: seedOnVal.mean, scores: seedOnVal.scores };
  const programs: ScoredProgram[] = [];
  for (const [index, member] of [seedMember, ...finalistMembers].entries()) {
    if (programs.some((p) => p.hash === member.hash)) continue;
    const reserved = index <= 1;
    let test: number | null = null;
    if (reserved || waveFits(state.budget, state.spend, prepared.testIds.length)) {
      const evaluated = await evaluateInBatches(
        acts,
        run.window,
        {
          runId,
          generation: state.generation,
          hash: member.hash,
          role: 'dev',
          purpose: encodePurpose({ stage: 'evolve', name: 'test' }),
        },
        prepared.testIds,
        {
          perActivity: examplesPerActivity(run.input.spec.search),
          summary: (i, n) => `test ${member.hash.slice(0, 10)}: batch ${i + 1}/${n}`,
        },
      );
      state.spend = maxSpend(state.spend, evaluated.spend);
      test = mean(evaluated.scores);
    } else {
      run.exhausted = true;
    }
    programs.push({ hash: member.hash, operator: member.operator, val: member.score, test });
  }
  const baseline = programs[0]!;
  const finalists = programs.slice(1);
  // Honest winners: is the best's advantage over the seed on validation more than noise?
  const [bestMember] = await withScores(
    acts,
    run.window,
    { runId, role: 'dev' },
    finalistMembers.slice(0, 1),
    prepared.valIds.length,
  );
  // A best whose stored vector could not be read back entire compares as the seed (no evidence).
  const bestScores = bestMember?.scores.length === seedMember.scores.length ? bestMember.scores : seedMember.scores;
  const comparison = pairedComparison(seedMember.scores, bestScores);
  const seedIsBest = bestMember?.hash === seedHash || !bestMember;
  return {
    programs,
    baseline,
    finalists,
    best: finalists[0] ?? baseline,
    winner: { ...comparison, verdict: winnerVerdict(comparison, seedIsBest) },
  };
}

function winnerVerdict(c: PairedComparison, seedIsBest: boolean): string {
  const p = c.pValue < 0.001 ? 'p < 0.001' : `p = ${c.pValue.toFixed(3)}`;
  const pairs = c.discordant ? `, ${c.discordant.better} examples better and ${c.discordant.worse} worse` : '';
  if (seedIsBest) return 'No candidate beat the seed prompt on validation; the best program is the seed.';
  if (c.significant)
    return `The best program beats the seed on validation by ${signed(c.meanDifference)} (${p}${pairs}, n = ${c.n}).`;
  return `The best program's advantage over the seed on validation (${signed(c.meanDifference)}, ${p}${pairs}, n = ${c.n}) is not significant at ${c.alpha}: it may not be better on new data.`;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
}
