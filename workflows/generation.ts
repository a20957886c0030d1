import {
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  encodePurpose,
  maxSpend,
  phaseAttribute,
  progressQuery,
  SA,
  type EvaluationResult,
  type GenerationInput,
  type GenerationProgress,
  type GenerationResult,
  type GenerationStep,
  type LegacyGenerationInput,
  type Member,
  type ModelRole,
  type ProposalResult,
  type PurposeName,
  type Spend,
  type Stage,
} from '../contracts/index.js';
import { waveFits } from '../core/engine/budget-gate.js';
import { chainTip, extendWinners, nextRunnersUp, plansOnTip, type Winner } from '../core/engine/chain.js';
import {
  affordable,
  anyOperatorLeft,
  choosePopulation,
  examplesPerActivity,
  nextMinibatch,
  perfectOn,
  planChildren,
  gainsOverParent,
  promoteWinners,
  type ChildPlan,
} from '../core/engine/plan.js';
import { creditAfterScreen } from '../core/operators/adaptive-mix.js';
import { Rng } from '../core/rng.js';
import type { OperatorName } from '../core/task/search-spec.js';
import { evaluateInBatches } from './evaluate-batches.js';
import { withoutScores, withScores } from './score-handles.js';
import { activityWindow } from './fan-out.js';
import { decodeInput } from './generation-input.js';
import { generationStats, stoppedBeforeParents } from './generation-stats.js';
import { ACTIVITY_OPTIONS } from './activity-options.js';

const acts = proxyActivities<Activities>({ ...ACTIVITY_OPTIONS, startToCloseTimeout: '15 minutes' });

/** Rounds in which slots left without a child (nothing to work on, or a rejected child) are drawn again. */
const REDRAW_ROUNDS = 2;
/** Minibatches on which every planned parent was perfect (no child) a generation draws at most. */
const MINIBATCH_ROUNDS = 3;
/** Marks histories whose generations build on their first winner (search.chainWinners). */
const CHAIN_WINNERS = 'chain-screened-winners';
/** Marks histories whose generations validate runners-up when the budget ends the search. */
const VALIDATE_RUNNERS_UP = 'validate-runners-up';

/**
 * One generation, every call spent where it counts:
 * 1. score any parent not yet scored on the validation split (the seed, in generation 0);
 * 2-4. in steps of `childrenPerMinibatch` children, each on the next minibatch of a shuffled pass
 *    over the train split: score the children's parents on it, propose children for parents with
 *    something to fix (the operators read the parents' train failures, the minibatch's first),
 *    drawing again any slot whose operator or parent had nothing to work on, and screen every child
 *    on that minibatch against its primary parent (paired); until the slots are used or
 *    `validatePerGeneration` children have beaten their parent (with `chainWinners`, the slots
 *    left after the first winner build on the chain's tip, screened against it);
 * 5-6. score the children with the largest gains on the full validation split;
 * 7. choose the next population on validation.
 * Each wave shrinks to what the budget allows after the calls reserved for final scoring.
 */
export async function generationWorkflow(started: GenerationInput | LegacyGenerationInput): Promise<GenerationResult> {
  const input = decodeInput(started);
  // Every activity of this generation goes through one window: a few hundred pending at most.
  const window = activityWindow();
  const { runId, generation, spec, valIds, mode } = input;
  const search = spec.search;
  const rng = Rng.fromState(input.rngState);
  const screenPool = input.screenIds.length > 0 ? input.screenIds : valIds;
  let spend: Spend = input.spend;
  let budgetExhausted = false;
  const progress: GenerationProgress = { generation, step: 'proposing', evaluationsDone: 0, evaluationsTotal: 0 };
  setHandler(progressQuery, () => progress);
  // Distillation evolves on the student; its calls and records are told apart by the stage.
  const stage: Stage = mode.kind;
  const role: ModelRole = mode.kind === 'distill' ? mode.fitness : 'dev';
  const distill = mode.kind === 'distill' ? { stage, fitness: mode.fitness, teacher: mode.teacher } : {};
  const step = (name: GenerationStep, details: string): void => {
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

  // 1. Parents' stored validation vectors read back; parents not yet scored on the full validation
  // split (the seed, in generation 0) are evaluated.
  let population = await withScores(acts, window, { runId, role }, input.population, valIds.length);
  const unscored = population.filter((m) => m.scores.length !== valIds.length);
  if (unscored.length > 0 && !fits(unscored.length * valIds.length)) {
    setCurrentDetails('Budget used up before the parents could be scored');
    return stoppedBeforeParents(input, withoutScores(population, valIds.length), rng.getState(), spend);
  }
  if (unscored.length > 0) {
    step('evaluating', `Evaluating ${unscored.length} unscored parent(s) on ${valIds.length} validation examples`);
    const scored = await evaluateFully(unscored.map((m) => m.hash));
    population = population.map((m) => ({ ...m, ...scored.get(m.hash) }));
  }

  // 2-4. Steps, GEPA's loop a few children at a time. Each step takes the next minibatch of a
  // shuffled pass over train, plans up to `childrenPerMinibatch` children, scores their primary
  // parents on it, proposes children only for parents with something to fix there (a child must
  // strictly beat its parent on the minibatch), and screens them against their parent (paired).
  // Steps go on until the generation's slots are used or enough children beat their parent to fill
  // `validatePerGeneration`. A minibatch where every planned parent is perfect uses no slot and
  // costs the parents' calls only (MINIBATCH_ROUNDS such minibatches at most).
  let screenQueue = input.screenQueue ?? [];
  const minibatchSize = Math.min(search.minibatchSize, screenPool.length);
  const slots = generation === 0 ? search.populationSize - 1 : Math.max(1, search.populationSize - search.elites);
  // Ready-made children (the seed's labeled variants) take the first step's slots.
  const starters = [...(input.starters ?? [])];
  const proposals: ProposalResult[] = [];
  const screened: Member[] = [];
  let winners: Winner[] = [];
  // Every child that beat its parent, the middle links of a chain included (operator credit).
  const beatParent = new Set<string>();
  const known = new Set(population.map((m) => m.hash));
  // A child costs its proposal and its screen; a step leaves room for validating one winner.
  const childCost = 1 + minibatchSize;
  /** Whether a step whose children cost `calls` fits, with its parents' screen and one validation. */
  const stepFits = (calls: number): boolean => fits(calls + minibatchSize + valIds.length);
  const credit = input.operatorCredit ?? {};
  let planned = 0;
  let skipped = 0;
  let perfect = 0;
  let idleMinibatches = 0;
  // With search.chainWinners, the slots left after the first winner build on the chain's tip.
  const chaining = (): boolean => search.chainWinners === true && winners.length > 0 && patched(CHAIN_WINNERS);
  for (let slotsLeft = slots; slotsLeft > 0 && (winners.length < search.validatePerGeneration || chaining());) {
    // The ready-made starters share the first minibatch, so their gains over the seed compare.
    const wanted = Math.max(search.childrenPerMinibatch, starters.length);
    const k = affordable(Math.min(wanted, slotsLeft), childCost, stepFits);
    if (k === 0) {
      budgetExhausted = true;
      break;
    }
    const outcome = await screeningStep(k);
    if (outcome === 'idle') {
      if (++idleMinibatches >= MINIBATCH_ROUNDS || screenPool.length <= minibatchSize) {
        // The step's slots end without a child: their parents had nothing to fix.
        planned += k;
        perfect += k;
        break;
      }
    } else {
      slotsLeft -= k;
    }
  }

  // 5. The children that beat their parent, largest gain first: at most validatePerGeneration and
  // at most screenKeep of those screened. One paired comparison serves promotion and operator credit.
  const promoted = promoteWinners(winners, screened.length, search.screenKeep, search.validatePerGeneration);
  const affordableChildren = screened;
  // Credit for adaptive operator selection: a trial per child screened or rejected, a pass per child that beat its parent.
  const operatorCredit = creditAfterScreen(credit, [
    ...affordableChildren.map((c) => ({ operator: c.operator as OperatorName, passed: beatParent.has(c.hash) })),
    ...proposals.flatMap((p) => (p.status === 'rejected' ? [{ operator: p.operator, passed: false }] : [])),
  ]);

  // 6. Full validation for the promoted children, as many as the budget allows.
  let evaluated: Member[] = [];
  const toEvaluate = promoted.slice(0, shrinkTo(promoted.length, valIds.length));
  if (toEvaluate.length > 0) {
    step('evaluating', `Evaluating ${toEvaluate.length} children on ${valIds.length} validation examples`);
    const scored = await evaluateFully(toEvaluate.map((m) => m.hash));
    evaluated = toEvaluate.map((m) => ({ ...m, ...scored.get(m.hash)!, operator: m.operator, parents: m.parents }));
  }

  // 6b. When the budget ends the search here, what is left validates screened winners that were not
  // (this generation's, largest gain first, then earlier generations'), rather than going unused.
  const validated = new Set([...population, ...toEvaluate].map((m) => m.hash));
  let runnersUp = nextRunnersUp(input.runnersUp ?? [], winners, validated);
  const searchEnds = budgetExhausted || !stepFits(childCost);
  if (searchEnds && runnersUp.length > 0 && patched(VALIDATE_RUNNERS_UP)) {
    const extra = runnersUp.slice(0, affordable(runnersUp.length, valIds.length, fits));
    if (extra.length > 0) {
      step('evaluating', `Budget ending: evaluating ${extra.length} more screened winner(s) on validation`);
      const scored = await evaluateFully(extra.map((m) => m.hash));
      evaluated.push(...extra.map((m) => ({ ...m, ...scored.get(m.hash)! })));
      runnersUp = runnersUp.slice(extra.length);
    }
  }

  // 7. Next population, chosen on validation.
  step('selecting', 'Choosing the next population');
  const next = choosePopulation({ parents: population, children: evaluated, search, rng });
  const best = next[0]!;
  const stats = generationStats({
    generation,
    next,
    planned,
    idle: skipped + perfect,
    screened: affordableChildren.length,
    promoted: evaluated.length,
    proposals,
  });
  const recorded = await acts.recordGeneration({
    runId,
    generation,
    population: next.map((m) => m.hash),
    stats,
    ...(mode.kind === 'distill' ? { stage } : {}),
  });
  spend = maxSpend(spend, recorded.spend);
  const spendByModel = recorded.spendByModel;
  upsertMemo({ stats });
  upsertSearchAttributes([
    { key: SA.bestScore, value: best.score },
    { key: SA.spendUsd, value: spend.costUsd },
    phaseAttribute('done'),
  ]);
  setCurrentDetails(
    `Done: best ${best.score.toFixed(3)} (${short(best.hash)}, ${best.operator}); ${stats.promoted} of ${stats.screened} screened children beat their parent and were evaluated fully`,
  );
  return {
    population: withoutScores(next, valIds.length),
    rngState: rng.getState(),
    screenQueue,
    ...(patched(VALIDATE_RUNNERS_UP) ? { runnersUp: withoutScores(runnersUp, valIds.length) } : {}),
    stats,
    spend,
    spendByModel,
    budgetExhausted,
    operatorCredit,
  };

  /**
   * One step on the next minibatch; 'idle' when every planned parent was perfect on it (no
   * proposal, no slot used).
   */
  async function screeningStep(k: number): Promise<'idle' | 'screened'> {
    const next = nextMinibatch(screenQueue, screenPool, search.minibatchSize, rng);
    screenQueue = next.queue;
    const minibatch = next.minibatch;
    const onMinibatch = new Map<string, number[]>();
    const screenOn = (hashes: string[]): Promise<void> => screenOnMinibatch(minibatch, onMinibatch, hashes);
    const children: Member[] = [];
    const ready = starters.splice(0, k).filter((c) => !known.has(c.hash));
    ready.forEach((c) => known.add(c.hash));
    children.push(...ready);
    const tip = chaining() ? chainTip(winners)?.child.hash : undefined;
    const plan = (options: Omit<Parameters<typeof planChildren>[0], 'search' | 'rng' | 'credit'>): ChildPlan[] => {
      const plans = planChildren({ ...options, search, rng, credit });
      return tip ? plansOnTip(plans, tip) : plans;
    };
    let plans = plan({ population, slots: k - ready.length });
    planned += plans.length + ready.length;
    if (ready.length > 0) await screenOn([...new Set(ready.map((c) => c.parents[0]!))]);
    for (let round = 0; plans.length > 0;) {
      await screenOn([...new Set(plans.map((p) => p.parents[0]!))]);
      const hopeless = plans.filter((p) => perfectOn(onMinibatch.get(p.parents[0]!)));
      perfect += hopeless.length;
      if (hopeless.length === plans.length && round === 0 && ready.length === 0) {
        // The slots are tried again on the next minibatch: not counted as planned or skipped here.
        planned -= plans.length;
        perfect -= hopeless.length;
        step('screening', `Every planned parent is perfect on this minibatch; drawing the next ${minibatch.length}`);
        return 'idle';
      }
      const live = plans.filter((p) => !hopeless.includes(p));
      step('proposing', `Proposing ${live.length} children with the meta model`);
      const results = await Promise.all(live.map((plan) => propose(plan, minibatch)));
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
      // Draw the idle slots again, without the operators that had nothing to work on and from
      // parents with something to fix on the minibatch.
      const tried = new Set<OperatorName>(results.flatMap((p) => (p.status === 'skipped' ? [p.operator] : [])));
      const exclude = (name: OperatorName): boolean => tried.has(name);
      const fixable = tip ? population : population.filter((m) => !perfectOn(onMinibatch.get(m.hash)));
      if (fixable.length === 0 || !anyOperatorLeft(search, fixable.length, exclude)) break;
      plans = plan({ population: fixable, slots: shrinkTo(idle.length, childCost), exclude });
      planned += plans.length;
    }
    // The paired screen: each child on the minibatch its primary parent was scored on.
    const affordableChildren = children.slice(0, shrinkTo(children.length, minibatch.length));
    if (affordableChildren.length > 0) {
      step('screening', `Screening ${affordableChildren.length} children on ${minibatch.length} train examples`);
      await screenOn(affordableChildren.map((c) => c.hash));
      const found = gainsOverParent({ children: affordableChildren, scores: onMinibatch });
      found.forEach((w) => beatParent.add(w.child.hash));
      winners = extendWinners(winners, found);
      screened.push(...affordableChildren);
    }
    return 'screened';
  }

  function propose(plan: ChildPlan, minibatch: string[]): Promise<ProposalResult> {
    return window.run(() =>
      acts.proposeCandidate.executeWithOptions(
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
      ),
    );
  }

  /** Scores programs on a minibatch (train), once each; stored scores are read back without calls. */
  async function screenOnMinibatch(
    minibatch: string[],
    onMinibatch: Map<string, number[]>,
    hashes: string[],
  ): Promise<void> {
    const todo = hashes.filter((h) => !onMinibatch.has(h));
    if (todo.length === 0 || minibatch.length === 0) return;
    const results = await Promise.all(
      todo.map((hash) =>
        evaluate(hash, minibatch, 'screen', `screen ${short(hash)} on ${minibatch.length} train examples`),
      ),
    );
    for (const r of results) onMinibatch.set(r.hash, r.scores);
  }

  async function evaluate(
    hash: string,
    ids: string[],
    purpose: PurposeName,
    summary: string,
  ): Promise<EvaluationResult> {
    progress.evaluationsTotal += ids.length;
    const result = await window.run(() =>
      acts.evaluateCandidate.executeWithOptions({ summary }, [
        { runId, generation, hash, role, exampleIds: ids, purpose: encodePurpose({ stage, name: purpose }) },
      ]),
    );
    progress.evaluationsDone += ids.length;
    spend = maxSpend(spend, result.spend);
    return result;
  }

  /** Scores programs on the full validation split, in batches; stored scores are read back without calls. */
  async function evaluateFully(hashes: string[]): Promise<Map<string, Pick<Member, 'hash' | 'score' | 'scores'>>> {
    const counted = {
      scheduled: (ids: string[]) => void (progress.evaluationsTotal += ids.length),
      finished: (ids: string[]) => void (progress.evaluationsDone += ids.length),
    };
    const results = await Promise.all(
      hashes.map(async (hash) => {
        const { scores, spend: after } = await evaluateInBatches(
          acts,
          window,
          { runId, generation, hash, role, purpose: encodePurpose({ stage, name: 'validate' }) },
          valIds,
          {
            perActivity: examplesPerActivity(search),
            summary: (i, n) => `validate ${short(hash)}: batch ${i + 1}/${n}`,
            observer: counted,
          },
        );
        spend = maxSpend(spend, after);
        return { hash, scores, score: scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length) };
      }),
    );
    return new Map(results.map((r) => [r.hash, r]));
  }
}

function short(hash: string): string {
  return hash.slice(0, 10);
}
