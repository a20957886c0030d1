import { setCurrentDetails, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import {
  extendBudgetUpdate,
  pauseSignal,
  phaseAttribute,
  resumeSignal,
  SA,
  statusQuery,
  stopSignal,
  zeroSpend,
  type Budget,
  type RunInput,
  type RunPhase,
  type RunState,
  type RunStatus,
  type RunStatusView,
} from '../../contracts/index.js';
import { createBudget, extend } from '../../core/budget.js';
import { Rng } from '../../core/rng.js';
import { activityWindow, type ActivityWindow } from '../fan-out.js';

/** One run in progress: its input, its state (carried across continue-as-new) and how it shows itself. */
export interface Run {
  input: RunInput;
  state: RunState;
  /** The budget ran out somewhere: the result's status says `budget_exhausted`. */
  exhausted: boolean;
  /** Bounds the run's own fan-outs (finalists and production scoring). */
  window: ActivityWindow;
  /** Moves to `phase`, says what the run does in the UI, and publishes its search attributes and memo. */
  enter(phase: RunPhase, details: string): void;
  /** Publishes search attributes and memo for the current state. */
  publish(): void;
}

/**
 * Picks up a run (a fresh one, or one carried across continue-as-new) and installs its handlers:
 * pause, resume, stop, extendBudget and the status query.
 */
export function openRun(input: RunInput, carried?: RunState): Run {
  const state = carried ?? initialState(input);
  const window = activityWindow();
  installHandlers(input, state);
  const publish = (): void => {
    const best = state.population[0];
    upsertSearchAttributes([
      { key: SA.task, value: input.spec.name },
      { key: SA.runId, value: input.runId },
      { key: SA.generation, value: Math.max(0, state.generation) },
      phaseAttribute(state.phase),
      { key: SA.spendUsd, value: state.spend.costUsd },
      ...(best ? [{ key: SA.bestScore, value: best.score }] : []),
    ]);
    upsertMemo({ calls: state.spend.calls, tokens: state.spend.tokens, best: best?.hash ?? null });
  };
  return {
    input,
    state,
    exhausted: state.budgetExhausted ?? false,
    window,
    publish,
    enter(phase, details) {
      state.phase = phase;
      setCurrentDetails(details);
      publish();
    },
  };
}

function initialState({ spec }: RunInput): RunState {
  return {
    phase: 'preparing',
    generation: -1,
    population: [],
    rngState: Rng.fromSeed(`run:${spec.search.seed}`).getState(),
    budget: { ...spec.search.budget },
    spend: { ...zeroSpend },
    summaries: [],
    paused: false,
    stopRequested: false,
    sinceImprovement: 0,
    budgetVersion: 0,
    spendByModel: {},
  };
}

function installHandlers(input: RunInput, state: RunState): void {
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
  setHandler(statusQuery, () => statusView(input, state));
}

function runStatus(state: RunState): RunStatus {
  if (state.phase === 'done') return 'completed';
  if (state.phase === 'awaiting_budget') return 'budget_exhausted';
  return state.paused ? 'paused' : 'running';
}

function statusView({ runId, spec }: RunInput, state: RunState): RunStatusView {
  const best = state.population[0];
  return {
    runId,
    task: spec.name,
    status: runStatus(state),
    phase: state.phase,
    generation: state.generation,
    generations: spec.search.generations,
    ...(best ? { best: { hash: best.hash, score: best.score } } : {}),
    ...(state.population.length > 0 ? { meanScore: mean(state.population.map((m) => m.score)) } : {}),
    spend: state.spend,
    spendByModel: state.spendByModel,
    budget: state.budget,
    population: state.population.map((m) => ({ hash: m.hash, score: m.score, operator: m.operator })),
    history: state.summaries,
  };
}

function validateBudgetDelta(delta: Budget): void {
  for (const [key, value] of Object.entries(delta)) {
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) {
      throw new Error(`extendBudget: ${key} must be a positive number, got ${JSON.stringify(value)}`);
    }
  }
}

export function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
