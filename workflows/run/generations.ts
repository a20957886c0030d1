import { condition, executeChild, ParentClosePolicy, workflowInfo } from '@temporalio/workflow';
import {
  generationWorkflowId,
  maxSpend,
  phaseAttribute,
  SA,
  type GenerationResult,
  type Member,
  type PreparedRun,
} from '../../contracts/index.js';
import { budgetExhausted } from '../../core/engine/budget-gate.js';
import { generationWorkflow } from '../generation.js';
import { acts } from './activities.js';
import { mean, type Run } from './state.js';

/** Continue-as-new well before Temporal's own limits even if the server does not suggest it. */
const MAX_HISTORY_EVENTS = 8_000;

/** Loads and splits the dataset and stores the seed, once per run. */
export async function prepare(run: Run): Promise<void> {
  const { state } = run;
  if (state.prepared) return;
  run.enter('preparing', 'Loading and splitting the dataset');
  state.prepared = await acts.prepareRun(run.input);
  const seed = await acts.storeSeedCandidate({ runId: run.input.runId });
  state.seedHash = seed.hash;
  // A result recorded before search.labeledDraws names its one labeled variant as labeledHash.
  const labeled = seed.labeledHashes ?? (seed.labeledHash ? [seed.labeledHash] : []);
  if (labeled.length > 0) state.labeledSeedHashes = labeled;
}

/**
 * Runs generations, one child workflow each, until the configured number, a stop, a stop
 * condition or the budget (after waiting for an extension, when the task allows one); 'continue'
 * when the history has grown long enough that the run should continue as new.
 */
export async function evolveGenerations(run: Run): Promise<'finished' | 'continue'> {
  const { state } = run;
  const search = run.input.spec.search;
  while (state.generation < search.generations && !state.stopRequested) {
    if (state.paused) {
      run.enter('paused', `Paused after generation ${state.generation}; signal "resume" to go on`);
      await condition(() => !state.paused || state.stopRequested);
      if (state.stopRequested) break;
    }
    if (run.exhausted || budgetExhausted(state.budget, state.spend)) {
      run.exhausted = !(await awaitBudgetExtension(run));
      if (run.exhausted) break;
      // More budget arrived: look again at pause and stop, which may have come while waiting.
      state.phase = 'evolving';
      continue;
    }
    const generation = state.generation + 1;
    run.enter(generation === 0 ? 'seeding' : 'evolving', `Generation ${generation} of ${search.generations}`);
    const result = await runGeneration(run, generation);
    recordGeneration(run, generation, result);
    run.publish();
    const best = result.population[0];
    if (search.stop.scoreThreshold !== undefined && (best?.score ?? 0) >= search.stop.scoreThreshold) break;
    if (search.stop.patience !== undefined && state.sinceImprovement >= search.stop.patience) break;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) return 'continue';
  }
  return 'finished';
}

/** Waits (up to search.budgetWaitSeconds) for extendBudget; true when the run may go on. */
async function awaitBudgetExtension(run: Run): Promise<boolean> {
  const { state } = run;
  const wait = run.input.spec.search.budgetWaitSeconds;
  if (wait <= 0) return false;
  const version = state.budgetVersion;
  run.enter('awaiting_budget', `Budget used up; waiting up to ${wait}s for "extendBudget"`);
  const extended = await condition(() => state.budgetVersion !== version || state.stopRequested, wait * 1000);
  return extended && !state.stopRequested;
}

/** One generation as a child workflow; generation 0 grows the initial population from the seed. */
function runGeneration(run: Run, generation: number): Promise<GenerationResult> {
  const { state } = run;
  const { spec, runId } = run.input;
  const search = spec.search;
  const prepared = state.prepared!;
  const seedHash = state.seedHash ?? '';
  const population: Member[] =
    generation === 0 ? [{ hash: seedHash, operator: 'seed', parents: [], score: 0, scores: [] }] : state.population;
  // Generation 0 screens the seed's labeled few-shot variants against the seed, like children
  // (labeledSeedHash: state carried over from a run prepared before labeledSeedHashes).
  const labeled = state.labeledSeedHashes ?? (state.labeledSeedHash ? [state.labeledSeedHash] : []);
  const starters: Member[] =
    generation === 0
      ? labeled.map((hash) => ({ hash, operator: 'demo', parents: [seedHash], score: 0, scores: [] }))
      : [];
  const phase = generation === 0 ? 'seeding' : 'evolving';
  return executeChild(generationWorkflow, {
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
        ...(state.runnersUp && state.runnersUp.length > 0 ? { runnersUp: state.runnersUp } : {}),
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
      phaseAttribute(phase),
    ],
  });
}

/** Takes a finished generation into the run's state and history. */
function recordGeneration(run: Run, generation: number, result: GenerationResult): void {
  const { state } = run;
  const previousBest = state.population[0]?.score ?? -1;
  state.population = result.population;
  state.rngState = result.rngState;
  state.operatorCredit = result.operatorCredit;
  state.screenQueue = result.screenQueue;
  if (result.runnersUp) state.runnersUp = result.runnersUp;
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
  run.exhausted = result.budgetExhausted;
}

/** Calls kept back through the search so that the seed and the best are always scored on test. */
function finalScoringCalls(prepared: PreparedRun): number {
  return 2 * prepared.testIds.length;
}
