import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  ContinueAsNew,
  isCancellation,
  TemporalFailure,
} from '@temporalio/workflow';
import {
  maxSpend,
  type DistillResult,
  type ProgramScore,
  type RunInput,
  type RunResult,
  type RunState,
  type RunStatus,
} from '../contracts/index.js';
import { acts } from './run/activities.js';
import { distillBest } from './run/distill.js';
import { scoreFinalists, type Finalists } from './run/finalists.js';
import { evolveGenerations, prepare } from './run/generations.js';
import { scoreOnProduction } from './run/production.js';
import { openRun, type Run } from './run/state.js';

/**
 * One optimization run (`run-<runId>`), phase by phase:
 * 1. prepare: load and split the dataset, store the seed (`run/generations.ts`);
 * 2. evolve: one generation child workflow after another, with pause, stop, the budget wait and
 *    continue-as-new when the history grows long (`run/generations.ts`);
 * 3. finalists: the seed and the best few on the test split, and the best's paired test against
 *    the seed on validation (`run/finalists.ts`);
 * 4. production: the same programs on every production model (`run/production.ts`);
 * 5. distillation into the student, when the task asks for it (`run/distill.ts`);
 * 6. the result, stored in `runs.result` and returned.
 * Signals, the update and the status query are installed by `openRun` (`run/state.ts`).
 */
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

async function evolve(input: RunInput, carried?: RunState): Promise<RunResult> {
  const run = openRun(input, carried);
  await prepare(run);
  if ((await evolveGenerations(run)) === 'continue') {
    await condition(allHandlersFinished);
    return await continueAsNew<typeof optimizationRun>(input, { ...run.state, budgetExhausted: run.exhausted });
  }
  const finalists = await scoreFinalists(run);
  const production = await scoreOnProduction(run, finalists.programs);
  const distill = await distillBest(run, finalists.best);
  return await finish(run, finalists, production, distill);
}

/** Reads the run's final spend, stores the result and ends the run. */
async function finish(
  run: Run,
  { baseline, best, finalists, winner }: Finalists,
  production: ProgramScore[],
  distill: DistillResult | undefined,
): Promise<RunResult> {
  const { state } = run;
  const { runId } = run.input;
  const status: RunStatus = run.exhausted ? 'budget_exhausted' : state.stopRequested ? 'stopped' : 'completed';
  const spend = await acts.runSpend({ runId });
  state.spend = maxSpend(state.spend, spend.total);
  state.spendByModel = spend.byModel;
  const result: RunResult = {
    runId,
    status,
    baseline,
    best,
    winner,
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
  await acts.finalizeRun({ runId, status, result });
  run.enter(
    'done',
    `Done: best ${best.hash.slice(0, 12)} val ${best.val?.toFixed(3) ?? 'n/a'} test ${best.test?.toFixed(3) ?? 'n/a'}`,
  );
  return result;
}

function rootCauseMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof TemporalFailure && current.cause) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
