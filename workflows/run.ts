import {
  condition,
  continueAsNew,
  executeChild,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  allHandlersFinished,
  workflowInfo,
  ParentClosePolicy,
  ApplicationFailure,
  ContinueAsNew,
  isCancellation,
  TemporalFailure,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  distillWorkflowId,
  encodePurpose,
  extendBudgetUpdate,
  generationWorkflowId,
  maxSpend,
  pauseSignal,
  phaseAttribute,
  resumeSignal,
  SA,
  statusQuery,
  stopSignal,
  zeroSpend,
  type Budget,
  type DistillResult,
  type Member,
  type PreparedRun,
  type RunInput,
  type RunResult,
  type RunState,
  type RunStatus,
  type RunStatusView,
  type ScoredProgram,
} from '../contracts/index.js';
import { createBudget, extend } from '../core/budget.js';
import { budgetExhausted, waveFits } from '../core/engine/budget-gate.js';
import { resolveDistillConfig } from '../core/engine/distill.js';
import { Rng } from '../core/rng.js';
import { pairedComparison, type PairedComparison } from '../core/stats/paired-test.js';
import { distillWorkflow } from './distill.js';
import { evaluateInBatches } from './evaluate-batches.js';
import { generationWorkflow } from './generation.js';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/** How many of the final population are scored on the test split beside the seed. */
const FINALISTS = 3;
/** Continue-as-new well before Temporal's own limits even if the server does not suggest it. */
const MAX_HISTORY_EVENTS = 8_000;

export async function optimizationRun(input: RunInput, carried?: RunState): Promise<RunResult> {
  try {
    return await evolve(input, carried);
  } catch (err) {
    if (isCancellation(err) || err instanceof ContinueAsNew) throw err;
    // The run is over: say so in PostgreSQL with the root cause, then fail with the same message.
    const message = rootCauseMessage(err);
    await acts.recordRunFailure({ ...input, error: message });
    throw ApplicationFailure.nonRetryable(`run ${input.runId} failed: ${message}`, 'RunFailed');
  }
}

function rootCauseMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof TemporalFailure && current.cause) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

async function evolve(input: RunInput, carried?: RunState): Promise<RunResult> {
  const { spec, runId } = input;
  const search = spec.search;
  const state: RunState = carried ?? {
    phase: 'preparing',
    generation: -1,
    population: [],
    rngState: Rng.fromSeed(`run:${search.seed}`).getState(),
    budget: { ...search.budget },
    spend: { ...zeroSpend },
    summaries: [],
    paused: false,
    stopRequested: false,
    sinceImprovement: 0,
    budgetVersion: 0,
    spendByModel: {},
  };

  const status = (): RunStatus => {
    if (state.phase === 'done') return 'completed';
    if (state.phase === 'awaiting_budget') return 'budget_exhausted';
    return state.paused ? 'paused' : 'running';
  };
  setHandler(pauseSignal, () => void (state.paused = true));
  setHandler(resumeSignal, () => void (state.paused = false));
  setHandler(stopSignal, () => void (state.stopRequested = true));
  setHandler(
    extendBudgetUpdate,
    (delta) => {
      state.budget = extend(createBudget(state.budget), delta).limits;
      state.budgetVersion++;
      return state.budget;
    },
    { validator: validateBudgetDelta },
  );
  setHandler(statusQuery, (): RunStatusView => {
    const best = state.population[0];
    return {
      runId,
      task: spec.name,
      status: status(),
      phase: state.phase,
      generation: state.generation,
      generations: search.generations,
      ...(best ? { best: { hash: best.hash, score: best.score } } : {}),
      ...(state.population.length > 0 ? { meanScore: mean(state.population.map((m) => m.score)) } : {}),
      spend: state.spend,
      spendByModel: state.spendByModel,
      budget: state.budget,
      population: state.population.map((m) => ({ hash: m.hash, score: m.score, operator: m.operator })),
      history: state.summaries,
    };
  });

  const publish = (): void => {
    const best = state.population[0];
    upsertSearchAttributes([
      { key: SA.task, value: spec.name },
      { key: SA.runId, value: runId },
      { key: SA.generation, value: Math.max(0, state.generation) },
      phaseAttribute(state.phase),
      { key: SA.spendUsd, value: state.spend.costUsd },
      ...(best ? [{ key: SA.bestScore, value: best.score }] : []),
    ]);
    upsertMemo({ calls: state.spend.calls, tokens: state.spend.tokens, best: best?.hash ?? null });
  };

  if (!state.prepared) {
    setCurrentDetails('Loading and splitting the dataset');
    publish();
    state.prepared = await acts.prepareRun(input);
    const seed = await acts.storeSeedCandidate({ runId });
    state.seedHash = seed.hash;
    if (seed.labeledHash) state.labeledSeedHash = seed.labeledHash;
  }
  const prepared = state.prepared;
  const seedHash = state.seedHash ?? '';

  /** Waits (up to search.budgetWaitSeconds) for extendBudget; true when the run may go on. */
  const awaitBudgetExtension = async (): Promise<boolean> => {
    if (search.budgetWaitSeconds <= 0) return false;
    const version = state.budgetVersion;
    state.phase = 'awaiting_budget';
    setCurrentDetails(`Budget used up; waiting up to ${search.budgetWaitSeconds}s for "extendBudget"`);
    publish();
    const extended = await condition(
      () => state.budgetVersion !== version || state.stopRequested,
      search.budgetWaitSeconds * 1000,
    );
    return extended && !state.stopRequested;
  };

  let exhausted = state.budgetExhausted ?? false;
  while (state.generation < search.generations && !state.stopRequested) {
    if (state.paused) {
      state.phase = 'paused';
      setCurrentDetails(`Paused after generation ${state.generation}; signal "resume" to go on`);
      publish();
      await condition(() => !state.paused || state.stopRequested);
      if (state.stopRequested) break;
    }
    if (exhausted || budgetExhausted(state.budget, state.spend)) {
      exhausted = !(await awaitBudgetExtension());
      if (exhausted) break;
      // More budget arrived: look again at pause and stop, which may have come while waiting.
      state.phase = 'evolving';
      continue;
    }
    const generation = state.generation + 1;
    state.phase = generation === 0 ? 'seeding' : 'evolving';
    setCurrentDetails(`Generation ${generation} of ${search.generations}`);
    publish();
    const population: Member[] =
      generation === 0 ? [{ hash: seedHash, operator: 'seed', parents: [], score: 0, scores: [] }] : state.population;
    // Generation 0 screens the seed's labeled few-shot variant against the seed, like a child.
    const starters: Member[] =
      generation === 0 && state.labeledSeedHash
        ? [{ hash: state.labeledSeedHash, operator: 'demo', parents: [seedHash], score: 0, scores: [] }]
        : [];
    const result = await executeChild(generationWorkflow, {
      workflowId: generationWorkflowId(runId, generation),
      args: [
        {
          runId,
          generation,
          spec,
          mode: { kind: 'evolve' },
          valIds: prepared.valIds,
          screenIds: prepared.trainIds ?? [],
          screenQueue: state.screenQueue ?? [],
          population,
          ...(starters.length > 0 ? { starters } : {}),
          rngState: state.rngState,
          budget: state.budget,
          reserveCalls: finalScoringCalls(prepared),
          operatorCredit: state.operatorCredit ?? {},
          spend: state.spend,
        },
      ],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
      staticSummary: `${spec.name}: generation ${generation} of run ${runId}`,
      staticDetails:
        generation === 0
          ? `Grows the initial population of ${search.populationSize} from the seed prompt and scores it on ${prepared.valIds.length} validation examples.`
          : `Population ${search.populationSize} (${search.elites} elites, ${search.selection} selection); children screened on ${search.minibatchSize} examples, at most ${search.validatePerGeneration} that beat their parent scored on ${prepared.valIds.length}.`,
      typedSearchAttributes: [
        { key: SA.task, value: spec.name },
        { key: SA.runId, value: runId },
        { key: SA.generation, value: generation },
        phaseAttribute(generation === 0 ? 'seeding' : 'evolving'),
      ],
    });
    const previousBest = state.population[0]?.score ?? -1;
    state.population = result.population;
    state.rngState = result.rngState;
    state.operatorCredit = result.operatorCredit;
    state.screenQueue = result.screenQueue;
    state.spend = maxSpend(state.spend, result.spend);
    if (Object.keys(result.spendByModel).length > 0) state.spendByModel = result.spendByModel;
    state.generation = generation;
    const best = result.population[0];
    state.summaries.push({
      generation,
      bestHash: best?.hash ?? '',
      bestScore: best?.score ?? 0,
      meanScore: mean(result.population.map((m) => m.score)),
      spend: state.spend,
    });
    state.sinceImprovement = (best?.score ?? 0) > previousBest + 1e-9 ? 0 : state.sinceImprovement + 1;
    exhausted = result.budgetExhausted;
    publish();
    if (search.stop.scoreThreshold !== undefined && (best?.score ?? 0) >= search.stop.scoreThreshold) break;
    if (search.stop.patience !== undefined && state.sinceImprovement >= search.stop.patience) break;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof optimizationRun>(input, { ...state, budgetExhausted: exhausted });
    }
  }

  // Finalize. Scoring the seed and the best on test was reserved up front, so both always happen;
  // the other finalists are scored on test only while the budget lasts.
  state.phase = 'finalizing';
  setCurrentDetails('Scoring the seed and the finalists on the test split');
  publish();
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
        {
          runId,
          generation: state.generation,
          hash: member.hash,
          role: 'dev',
          purpose: encodePurpose({ stage: 'evolve', name: 'test' }),
        },
        prepared.testIds,
        (i, n) => `test ${member.hash.slice(0, 10)}: batch ${i + 1}/${n}`,
      );
      state.spend = maxSpend(state.spend, evaluated.spend);
      test = mean(evaluated.scores);
    } else {
      exhausted = true;
    }
    programs.push({ hash: member.hash, operator: member.operator, val: member.score, test });
  }
  const baseline = programs[0]!;
  const finalists = programs.slice(1);
  const best = finalists[0] ?? baseline;
  // Honest winners: is the best's advantage over the seed on validation more than noise?
  const bestMember = finalistMembers[0];
  const winner = pairedComparison(seedMember.scores, bestMember?.scores ?? seedMember.scores);

  // Production: the seed and the finalists on the held-out test split against every production model.
  state.phase = 'production';
  setCurrentDetails(`Scoring the seed and ${finalists.length} finalist(s) on ${spec.roles.production.join(', ')}`);
  publish();
  const scored: { hash: string; model: string }[] = [];
  for (const model of spec.roles.production) {
    if (!waveFits(state.budget, state.spend, programs.length * prepared.testIds.length)) {
      exhausted = true;
      break;
    }
    const results = await Promise.all(
      programs.map(({ hash }) =>
        evaluateInBatches(
          acts,
          {
            runId,
            generation: state.generation,
            hash,
            role: { production: model },
            purpose: encodePurpose({ stage: 'evolve', name: 'production' }),
          },
          prepared.testIds,
          () => `production: ${hash.slice(0, 10)} on ${model}`,
        ),
      ),
    );
    results.forEach((r) => (state.spend = maxSpend(state.spend, r.spend)));
    scored.push(...programs.map((f) => ({ hash: f.hash, model })));
  }
  const production =
    scored.length > 0
      ? await acts.summarizePrograms({
          runId,
          purpose: 'production',
          split: 'test',
          exampleIds: prepared.testIds,
          programs: scored,
        })
      : [];

  // Distillation into the student, when the task asks for it.
  let distill: DistillResult | undefined;
  if (spec.distill) {
    state.phase = 'distilling';
    setCurrentDetails(`Distilling ${best.hash.slice(0, 12)} into the student model`);
    publish();
    const config = resolveDistillConfig(spec);
    distill = await executeChild(distillWorkflow, {
      workflowId: distillWorkflowId(runId),
      args: [{ runId, teacherHash: best.hash, config, runBudget: state.budget }],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
      staticSummary: `${spec.name}: distillation of run ${runId} into ${config.student}`,
      staticDetails: `Teacher ${config.teacher} (${best.hash.slice(0, 12)}); threshold ${config.threshold} on validation, at most ${config.maxRounds} round(s).`,
      typedSearchAttributes: [
        { key: SA.task, value: spec.name },
        { key: SA.runId, value: runId },
        phaseAttribute('distilling'),
      ],
    });
  }
  const finalStatus: RunStatus = exhausted ? 'budget_exhausted' : state.stopRequested ? 'stopped' : 'completed';
  const spend = await acts.runSpend({ runId });
  state.spend = maxSpend(state.spend, spend.total);
  state.spendByModel = spend.byModel;
  const result: RunResult = {
    runId,
    status: finalStatus,
    baseline,
    best,
    winner: {
      ...winner,
      verdict: winnerVerdict(winner, bestMember?.hash === seedHash || !bestMember),
    },
    finalists,
    generations: state.generation,
    modelCalls: state.spend.calls,
    cachedCalls: state.spend.cachedCalls,
    tokens: state.spend.tokens,
    costUsd: state.spend.costUsd,
    spendByModel: state.spendByModel,
    history: state.summaries,
    production,
    ...(distill ? { distill } : {}),
  };
  await acts.finalizeRun({ runId, status: finalStatus, result });
  state.phase = 'done';
  setCurrentDetails(
    `Done: best ${best.hash.slice(0, 12)} val ${best.val?.toFixed(3) ?? 'n/a'} test ${best.test?.toFixed(3) ?? 'n/a'}`,
  );
  publish();
  return result;
}

/** Calls kept back through the search so that the seed and the best are always scored on test. */
function finalScoringCalls(prepared: PreparedRun): number {
  return 2 * prepared.testIds.length;
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

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function validateBudgetDelta(delta: Budget): void {
  for (const [key, value] of Object.entries(delta)) {
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) {
      throw new Error(`extendBudget: ${key} must be a positive number, got ${JSON.stringify(value)}`);
    }
  }
}
