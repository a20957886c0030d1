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
import {
  affordable,
  anyOperatorLeft,
  chunk,
  choosePopulation,
  nextMinibatch,
  perfectOn,
  EVAL_BATCH,
  planChildren,
  childrenThatBeatTheirParent,
  type ChildPlan,
} from '../core/engine/plan.js';
import {
  maxSpend,
  type EvaluationResult,
  type GenerationInput,
  type GenerationResult,
  type Member,
  type ProposalResult,
  type Spend,
} from '../core/engine/types.js';
import { creditAfterScreen } from '../core/operators/adaptive-mix.js';
import { Rng } from '../core/rng.js';
import type { OperatorName } from '../core/task/search-spec.js';
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

/** Rounds in which slots left without a child (nothing to work on, or a rejected child) are drawn again. */
const REDRAW_ROUNDS = 2;
/** Minibatches a generation draws at most while every planned parent is perfect on the last one. */
const MINIBATCH_ROUNDS = 3;

/**
 * One generation, every call spent where it counts:
 * 1. score any parent not yet scored on the validation split (the seed, in generation 0);
 * 2. take the next minibatch of a shuffled pass over the train split and score the children's
 *    parents on it (the next one again while every planned parent is perfect on it);
 * 3. propose children for parents with something to fix (the operators read the parents' train
 *    failures), drawing again any slot whose operator or parent had nothing to work on;
 * 4. screen every child on the same minibatch against its primary parent (paired);
 * 5. score the children that beat their parent on the full validation split;
 * 6. choose the next population on validation.
 * Each wave shrinks to what the budget allows after the calls reserved for final scoring.
 */
export async function generationWorkflow(input: GenerationInput): Promise<GenerationResult> {
  const { runId, generation, spec, valIds } = input;
  const search = spec.search;
  const rng = Rng.fromState(input.rngState);
  const screenPool = input.screenIds.length > 0 ? input.screenIds : valIds;
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
  /** Whether `calls` more calls fit beside the reserve; marks the budget exhausted when they do not. */
  const fits = (calls: number): boolean => waveFits(input.budget, spend, calls + input.reserveCalls);
  const shrinkTo = (n: number, callsEach: number): number => {
    const k = affordable(n, callsEach, fits);
    if (k < n) budgetExhausted = true;
    return k;
  };

  // 1. Parents not yet scored on the full validation split (the seed, in generation 0).
  let population = input.population;
  const unscored = population.filter((m) => m.scores.length !== valIds.length);
  if (unscored.length > 0 && !fits(unscored.length * valIds.length)) {
    setCurrentDetails('Budget used up before the parents could be scored');
    return {
      population,
      rngState: rng.getState(),
      screenQueue: input.screenQueue ?? [],
      stats: emptyStats(generation, population),
      spend,
      spendByModel: {},
      budgetExhausted: true,
      operatorCredit: input.operatorCredit ?? {},
    };
  }
  if (unscored.length > 0) {
    step('evaluating', `Evaluating ${unscored.length} unscored parent(s) on ${valIds.length} validation examples`);
    const scored = await evaluateFully(unscored.map((m) => m.hash));
    population = population.map((m) => ({ ...m, ...scored.get(m.hash) }));
  }

  // 2-3. Children, each with its primary parent scored on the generation's minibatch: the next
  // examples of a shuffled pass over train. A child can pass the screen only by strictly beating its
  // parent there, so a parent perfect on the minibatch gets no child (no meta call, no screening);
  // when every planned parent is perfect, the next examples of the pass are tried instead, at the
  // cost of the parents' calls only.
  let screenQueue = input.screenQueue ?? [];
  const drawMinibatch = (): string[] => {
    const next = nextMinibatch(screenQueue, screenPool, search.minibatchSize, rng);
    screenQueue = next.queue;
    return next.minibatch;
  };
  let minibatch = drawMinibatch();
  const onMinibatch = new Map<string, number[]>();
  const slots = generation === 0 ? search.populationSize - 1 : Math.max(1, search.populationSize - search.elites);
  const proposals: ProposalResult[] = [];
  const children: Member[] = [];
  const known = new Set(population.map((m) => m.hash));
  // Propose only as many children as leave room for screening them and validating one of them.
  const childCost = 1 + minibatch.length;
  const affordableSlots = affordable(slots, childCost, (calls) => fits(calls + minibatch.length + valIds.length));
  if (affordableSlots < slots) budgetExhausted = true;
  const credit = input.operatorCredit ?? {};
  let plans = planChildren({ population, slots: affordableSlots, search, rng, credit });
  let planned = plans.length;
  let skipped = 0;
  let perfect = 0;
  let minibatches = 1;
  for (let round = 0; plans.length > 0;) {
    const primaries = [...new Set(plans.map((p) => p.parents[0]!))];
    await screenOnMinibatch(primaries);
    const hopeless = plans.filter((p) => perfectOn(onMinibatch.get(p.parents[0]!)));
    const nextCost = primaries.length * minibatch.length + childCost + valIds.length;
    if (
      hopeless.length === plans.length &&
      proposals.length === 0 &&
      minibatches < MINIBATCH_ROUNDS &&
      screenPool.length > minibatch.length &&
      fits(nextCost)
    ) {
      step('screening', `Every planned parent is perfect on this minibatch; drawing the next ${minibatch.length}`);
      onMinibatch.clear();
      minibatch = drawMinibatch();
      minibatches++;
      continue;
    }
    perfect += hopeless.length;
    const live = plans.filter((p) => !hopeless.includes(p));
    step('proposing', `Proposing ${live.length} children with the meta model`);
    const results = await Promise.all(live.map(propose));
    results.forEach((p) => (spend = maxSpend(spend, p.spend)));
    proposals.push(...results);
    const idle: ChildPlan[] = [...hopeless];
    results.forEach((p, i) => {
      if (p.status === 'created' && !known.has(p.hash)) {
        known.add(p.hash);
        children.push({ hash: p.hash, operator: p.operator, parents: p.parents, score: 0, scores: [] });
      } else {
        if (p.status === 'skipped') skipped++;
        idle.push(live[i]!);
      }
    });
    if (round++ >= REDRAW_ROUNDS || idle.length === 0) break;
    // Draw the idle slots again, without the operators that had nothing to work on and from parents
    // with something to fix on the minibatch.
    const tried = new Set<OperatorName>(results.flatMap((p) => (p.status === 'skipped' ? [p.operator] : [])));
    const exclude = (name: OperatorName): boolean => tried.has(name);
    const fixable = population.filter((m) => !perfectOn(onMinibatch.get(m.hash)));
    if (fixable.length === 0 || !anyOperatorLeft(search, fixable.length, exclude)) break;
    plans = planChildren({
      population: fixable,
      slots: shrinkTo(idle.length, childCost),
      search,
      rng,
      exclude,
      credit,
    });
    planned += plans.length;
  }

  // 4. The paired screen: each child on the minibatch its primary parent was scored on.
  let promoted: Member[] = [];
  let beatParent = new Set<string>();
  const affordableChildren = children.slice(0, shrinkTo(children.length, minibatch.length));
  if (affordableChildren.length > 0) {
    step('screening', `Screening ${affordableChildren.length} children on ${minibatch.length} train examples`);
    await screenOnMinibatch(affordableChildren.map((c) => c.hash));
    const screen = { children: affordableChildren, childScores: onMinibatch, parentScores: onMinibatch };
    // One paired comparison serves both: promotion (capped by screenKeep and validatePerGeneration)
    // and operator credit.
    const winners = childrenThatBeatTheirParent(screen);
    const keep = Math.max(1, Math.ceil(affordableChildren.length * search.screenKeep));
    promoted = winners.slice(0, Math.min(keep, search.validatePerGeneration));
    beatParent = new Set(winners.map((c) => c.hash));
  }
  // Credit for adaptive operator selection: a trial per child screened or rejected, a pass per child that beat its parent.
  const operatorCredit = creditAfterScreen(credit, [
    ...affordableChildren.map((c) => ({ operator: c.operator as OperatorName, passed: beatParent.has(c.hash) })),
    ...proposals.flatMap((p) => (p.status === 'rejected' ? [{ operator: p.operator, passed: false }] : [])),
  ]);

  // 5. Full validation for the children that beat their parent, as many as the budget allows.
  let evaluated: Member[] = [];
  const toEvaluate = promoted.slice(0, shrinkTo(promoted.length, valIds.length));
  if (toEvaluate.length > 0) {
    step('evaluating', `Evaluating ${toEvaluate.length} children on ${valIds.length} validation examples`);
    const scored = await evaluateFully(toEvaluate.map((m) => m.hash));
    evaluated = toEvaluate.map((m) => ({ ...m, ...scored.get(m.hash)!, operator: m.operator, parents: m.parents }));
  }

  // 6. Next population, chosen on validation.
  step('selecting', 'Choosing the next population');
  const next = choosePopulation({ parents: population, children: evaluated, search, rng });
  const best = next[0]!;
  const stats = {
    generation,
    proposed: planned,
    rejected: proposals.filter((p) => p.status === 'rejected').length,
    skipped: skipped + perfect,
    screened: affordableChildren.length,
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
    `Done: best ${best.score.toFixed(3)} (${short(best.hash)}, ${best.operator}); ${stats.promoted} of ${stats.screened} screened children beat their parent and were evaluated fully`,
  );
  return {
    population: next,
    rngState: rng.getState(),
    screenQueue,
    stats,
    spend,
    spendByModel,
    budgetExhausted,
    operatorCredit,
  };

  function propose(plan: ChildPlan): Promise<ProposalResult> {
    return acts.proposeCandidate.executeWithOptions(
      { summary: `${plan.operator} of ${plan.parents.map(short).join(' + ')}` },
      [
        {
          runId,
          generation,
          operator: plan.operator,
          parentHashes: plan.parents,
          seed: plan.seed,
          focusIds: minibatch,
          ...distill,
        },
      ],
    );
  }

  /** Scores programs on the minibatch (train), once each; stored scores are read back without calls. */
  async function screenOnMinibatch(hashes: string[]): Promise<void> {
    const todo = hashes.filter((h) => !onMinibatch.has(h));
    if (todo.length === 0 || minibatch.length === 0) return;
    const results = await Promise.all(
      todo.map((hash) =>
        evaluate(hash, minibatch, 'screen', `screen ${short(hash)} on ${minibatch.length} train examples`),
      ),
    );
    for (const r of results) onMinibatch.set(r.hash, r.scores);
  }

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
    skipped: 0,
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
