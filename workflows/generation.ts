import {
  defineQuery,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { waveFits } from '../core/engine/budget-gate.js';
import { chunk, EVAL_BATCH, planChildren, promoteAfterScreening, choosePopulation } from '../core/engine/plan.js';
import {
  maxSpend,
  type EvaluationResult,
  type GenerationInput,
  type GenerationResult,
  type Member,
  type Spend,
} from '../core/engine/types.js';
import { Rng } from '../core/rng.js';
import { SA } from './search-attributes.js';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

export interface GenerationProgress {
  generation: number;
  step: string;
  evaluationsDone: number;
  evaluationsTotal: number;
}
export const progressQuery = defineQuery<GenerationProgress>('progress');

/**
 * One generation: make children with the operators, screen them on a minibatch, evaluate the
 * promising ones on the full validation split, and choose the next population. Generation 0 grows
 * the initial population from the seed and evaluates everything fully.
 */
export async function generationWorkflow(input: GenerationInput): Promise<GenerationResult> {
  const { runId, generation, spec, valIds } = input;
  const search = spec.search;
  const rng = Rng.fromState(input.rngState);
  let spend: Spend = input.spend;
  let budgetExhausted = false;
  const progress: GenerationProgress = { generation, step: 'proposing', evaluationsDone: 0, evaluationsTotal: 0 };
  setHandler(progressQuery, () => progress);
  // Distillation evolves on the student; its calls and records are told apart by the stage.
  const role = !input.fitness || input.fitness === 'dev' ? ('dev' as const) : input.fitness;
  const purposePrefix = input.stage === 'distill' ? 'distill:' : '';
  const distill = input.stage
    ? {
        stage: input.stage,
        ...(input.fitness ? { fitness: input.fitness } : {}),
        ...(input.teacher ? { teacher: input.teacher } : {}),
      }
    : {};
  const step = (name: string, details: string): void => {
    progress.step = name;
    setCurrentDetails(details);
  };

  // 1. Evaluate any parent not yet scored on the full validation split (the seed, in generation 0).
  let population = input.population;
  const unscored = population.filter((m) => m.scores.length !== valIds.length);
  if (unscored.length > 0 && !waveFits(input.budget, spend, unscored.length * valIds.length)) {
    setCurrentDetails('Budget used up before the parents could be scored');
    return {
      population,
      rngState: rng.getState(),
      stats: emptyStats(generation, population),
      spend,
      spendByModel: {},
      budgetExhausted: true,
    };
  }
  if (unscored.length > 0) {
    step('evaluating', `Evaluating ${unscored.length} unscored parent(s) on ${valIds.length} validation examples`);
    const scored = await evaluateFully(unscored.map((m) => m.hash));
    population = population.map((m) => ({ ...m, ...scored.get(m.hash) }));
  }

  // 2. Propose children.
  const slots = generation === 0 ? search.populationSize - 1 : Math.max(1, search.populationSize - search.elites);
  const plans = planChildren({ population, slots, search, rng });
  step('proposing', `Proposing ${plans.length} children with the meta model`);
  const proposals = waveFits(input.budget, spend, plans.length)
    ? await Promise.all(
        plans.map((plan) =>
          acts.proposeCandidate.executeWithOptions(
            { summary: `${plan.operator} of ${plan.parents.map(short).join(' + ')}` },
            [{ runId, generation, operator: plan.operator, parentHashes: plan.parents, seed: plan.seed, ...distill }],
          ),
        ),
      )
    : [];
  if (proposals.length === 0 && plans.length > 0) budgetExhausted = true;
  proposals.forEach((p) => (spend = maxSpend(spend, p.spend)));
  const known = new Set(population.map((m) => m.hash));
  const children: Member[] = [];
  for (const p of proposals) {
    if (p.status !== 'created' || known.has(p.hash)) continue;
    known.add(p.hash);
    children.push({ hash: p.hash, operator: p.operator, parents: p.parents, score: 0, scores: [] });
  }

  // 3. Screen on a minibatch (not in generation 0, where the whole population is new and small).
  let promoted = children;
  let screenedCount = 0;
  if (generation > 0 && children.length > 0 && search.minibatchSize < valIds.length) {
    const minibatch = rng.sample(valIds, search.minibatchSize);
    step('screening', `Screening ${children.length} children on ${minibatch.length} examples`);
    if (waveFits(input.budget, spend, children.length * minibatch.length)) {
      const screened = await Promise.all(
        children.map((c) =>
          evaluate(c.hash, minibatch, 'screen', `screen ${short(c.hash)} on ${minibatch.length} examples`),
        ),
      );
      screenedCount = screened.length;
      const parentScores = new Map(
        population.map((m) => [m.hash, minibatch.map((id) => m.scores[valIds.indexOf(id)] ?? 0)]),
      );
      promoted = promoteAfterScreening({ children, screened, parentScores, keep: search.screenKeep });
    } else {
      budgetExhausted = true;
      promoted = [];
    }
  }

  // 4. Full validation for the promoted children.
  let evaluated: Member[] = [];
  if (promoted.length > 0) {
    if (waveFits(input.budget, spend, promoted.length * valIds.length)) {
      step('evaluating', `Evaluating ${promoted.length} children on ${valIds.length} validation examples`);
      const scored = await evaluateFully(promoted.map((m) => m.hash));
      evaluated = promoted.map((m) => ({ ...m, ...scored.get(m.hash)!, operator: m.operator, parents: m.parents }));
    } else {
      budgetExhausted = true;
    }
  }

  // 5. Next population.
  step('selecting', 'Choosing the next population');
  const next = choosePopulation({ parents: population, children: evaluated, search, rng });
  const best = next[0]!;
  const stats = {
    generation,
    proposed: plans.length,
    rejected: proposals.filter((p) => p.status === 'rejected').length,
    screened: screenedCount,
    promoted: evaluated.length,
    bestHash: best.hash,
    bestScore: best.score,
    meanScore: next.reduce((a, m) => a + m.score, 0) / next.length,
    operators: countBy(proposals.filter((p) => p.status === 'created').map((p) => p.operator)),
  };
  const recorded = await acts.recordGeneration({
    runId,
    generation,
    population: next.map((m) => m.hash),
    stats,
    ...(input.stage ? { stage: input.stage } : {}),
  });
  spend = maxSpend(spend, recorded.spend);
  const spendByModel = recorded.spendByModel;
  upsertMemo({ stats });
  upsertSearchAttributes([
    { key: SA.bestScore, value: best.score },
    { key: SA.spendUsd, value: spend.costUsd },
    { key: SA.phase, value: 'done' },
  ]);
  setCurrentDetails(
    `Done: best ${best.score.toFixed(3)} (${short(best.hash)}, ${best.operator}); ${stats.promoted}/${stats.proposed} children evaluated fully`,
  );
  return { population: next, rngState: rng.getState(), stats, spend, spendByModel, budgetExhausted };

  async function evaluate(hash: string, ids: string[], purpose: string, summary: string): Promise<EvaluationResult> {
    progress.evaluationsTotal += ids.length;
    const result = await acts.evaluateCandidate.executeWithOptions({ summary }, [
      { runId, generation, hash, role, exampleIds: ids, purpose: `${purposePrefix}${purpose}` },
    ]);
    progress.evaluationsDone += ids.length;
    spend = maxSpend(spend, result.spend);
    return result;
  }

  async function evaluateFully(hashes: string[]): Promise<Map<string, Pick<Member, 'hash' | 'score' | 'scores'>>> {
    const batches = chunk(valIds, EVAL_BATCH);
    const results = await Promise.all(
      hashes.map(async (hash) => {
        const parts = await Promise.all(
          batches.map((ids, i) =>
            evaluate(hash, ids, 'validate', `validate ${short(hash)}: batch ${i + 1}/${batches.length}`),
          ),
        );
        const scores = parts.flatMap((p) => p.scores);
        return { hash, scores, score: scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length) };
      }),
    );
    return new Map(results.map((r) => [r.hash, r]));
  }
}

function emptyStats(generation: number, population: Member[]): GenerationResult['stats'] {
  const best = population[0];
  return {
    generation,
    proposed: 0,
    rejected: 0,
    screened: 0,
    promoted: 0,
    bestHash: best?.hash ?? '',
    bestScore: best?.score ?? 0,
    meanScore: 0,
    operators: {},
  };
}

function short(hash: string): string {
  return hash.slice(0, 10);
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
