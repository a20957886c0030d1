import { encodePurpose, maxSpend, type ProgramScore, type ScoredProgram } from '../../contracts/index.js';
import { waveFits } from '../../core/engine/budget-gate.js';
import { examplesPerActivity } from '../../core/engine/plan.js';
import { evaluateInBatches } from '../evaluate-batches.js';
import { acts } from './activities.js';
import type { Run } from './state.js';

/**
 * The seed and the finalists on the held-out test split against every production model, one
 * model at a time while the budget lasts; one `program_scores` row per program and model.
 */
export async function scoreOnProduction(run: Run, programs: ScoredProgram[]): Promise<ProgramScore[]> {
  const { state } = run;
  const { runId, spec } = run.input;
  const testIds = state.prepared!.testIds;
  run.enter(
    'production',
    `Scoring the seed and ${programs.length - 1} finalist(s) on ${spec.roles.production.join(', ')}`,
  );
  const scored: { hash: string; model: string }[] = [];
  for (const model of spec.roles.production) {
    if (!waveFits(state.budget, state.spend, programs.length * testIds.length)) {
      run.exhausted = true;
      break;
    }
    const results = await Promise.all(
      programs.map(({ hash }) =>
        evaluateInBatches(
          acts,
          run.window,
          {
            runId,
            generation: state.generation,
            hash,
            role: { production: model },
            purpose: encodePurpose({ stage: 'evolve', name: 'production' }),
          },
          testIds,
          {
            perActivity: examplesPerActivity(run.input.spec.search),
            summary: () => `production: ${hash.slice(0, 10)} on ${model}`,
          },
        ),
      ),
    );
    results.forEach((r) => (state.spend = maxSpend(state.spend, r.spend)));
    scored.push(...programs.map((f) => ({ hash: f.hash, model })));
  }
  if (scored.length === 0) return [];
  return acts.summarizePrograms({ runId, purpose: 'production', split: 'test', exampleIds: testIds, programs: scored });
}
