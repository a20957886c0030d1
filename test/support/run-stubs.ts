import { createHash } from 'node:crypto';
import type { Activities } from '../../activities/index.js';
import { zeroSpend, type Spend } from '../../core/engine/types.js';
import type {
  EvaluateInput,
  ProposeInput,
  ProgramScore,
  EvaluationResult,
  PreparedRun,
  ProposalResult,
  RunStatus,
  RunResult,
  ValidationScores,
  ValidationScoresInput,
} from '../../contracts/index.js';

/**
 * Stub activities for the run workflow and its generations, over a toy fitness: no database, no
 * model. One call is booked per new (program, example) evaluation and per proposal, so budgets in
 * calls behave as they do on the real activities. Everything the workflows ask for is recorded for
 * the tests to read.
 */
export const prepared: PreparedRun = {
  trainIds: Array.from({ length: 12 }, (_, i) => `train-${i}`),
  valIds: Array.from({ length: 10 }, (_, i) => `val-${i}`),
  testIds: Array.from({ length: 4 }, (_, i) => `test-${i}`),
  trainCount: 12,
};

/** Holds a generation's recordGeneration until released: the generation is then all but finished. */
export interface Hold {
  /** Resolves once the generation's workflow is recording its result. */
  reached: Promise<void>;
  release(): void;
}

export function runStubs() {
  const paid = new Set<string>();
  let spend: Spend = { ...zeroSpend };
  const book = (key: string): void => {
    if (paid.has(key)) return;
    paid.add(key);
    spend = { ...spend, calls: spend.calls + 1, tokens: spend.tokens + 100 };
  };
  const holds = new Map<number, { reached: () => void; released: Promise<void> }>();
  const log = {
    prepareRuns: 0,
    seedsStored: 0,
    evaluations: [] as { generation: number; purpose: string; hash: string; exampleIds: string[] }[],
    proposals: [] as ProposeInput[],
    generations: [] as { generation: number; population: string[] }[],
    finalized: [] as { status: RunStatus; result: RunResult }[],
    failures: [] as string[],
    /** The members each validationScores read asked for. */
    scoreReads: [] as string[][],
  };

  const activities = {
    prepareRun(): Promise<PreparedRun> {
      log.prepareRuns++;
      return Promise.resolve(prepared);
    },
    storeSeedCandidate(): Promise<{ hash: string }> {
      log.seedsStored++;
      return Promise.resolve({ hash: 'seed' });
    },
    evaluateCandidate(input: EvaluateInput): Promise<EvaluationResult> {
      const { generation, purpose, hash, exampleIds } = input;
      log.evaluations.push({ generation, purpose, hash, exampleIds });
      const model = typeof input.role === 'object' ? JSON.stringify(input.role) : input.role;
      for (const id of exampleIds) book(`${model}|${hash}|${id}`);
      const scores = exampleIds.map((id) => fitness(hash, id));
      return Promise.resolve({ hash, model, scores, mean: average(scores), spend });
    },
    validationScores(input: ValidationScoresInput): Promise<ValidationScores[]> {
      log.scoreReads.push(input.hashes);
      const model = typeof input.role === 'object' ? JSON.stringify(input.role) : input.role;
      const complete = (hash: string): boolean => prepared.valIds.every((id) => paid.has(`${model}|${hash}|${id}`));
      return Promise.resolve(
        input.hashes.map((hash) => ({
          hash,
          scores: complete(hash) ? prepared.valIds.map((id) => fitness(hash, id)) : null,
        })),
      );
    },
    proposeCandidate(input: ProposeInput): Promise<ProposalResult> {
      log.proposals.push(input);
      book(`propose|${input.operator}|${input.parentHashes.join('+')}|${input.seed}`);
      const hash = `child-${input.seed}`;
      return Promise.resolve({ status: 'created', hash, operator: input.operator, parents: input.parentHashes, spend });
    },
    async recordGeneration(input: {
      generation: number;
      population: string[];
    }): Promise<{ spend: Spend; spendByModel: Record<string, Spend> }> {
      log.generations.push({ generation: input.generation, population: input.population });
      const hold = holds.get(input.generation);
      if (hold) {
        hold.reached();
        await hold.released;
      }
      return { spend, spendByModel: { dev: spend } };
    },
    summarizePrograms(input: { programs: { hash: string; model: string }[]; split: string }): Promise<ProgramScore[]> {
      return Promise.resolve(
        input.programs.map(({ hash, model }) => ({
          hash,
          model,
          split: input.split,
          examples: prepared.testIds.length,
          accuracy: average(prepared.testIds.map((id) => fitness(hash, id))),
          promptTokensPerCall: 80,
          completionTokensPerCall: 20,
          latencyMsMean: 1,
          latencyMsP95: 1,
          costPer1kUsd: 0,
        })),
      );
    },
    runSpend(): Promise<{ total: Spend; byModel: Record<string, Spend> }> {
      return Promise.resolve({ total: spend, byModel: { dev: spend } });
    },
    finalizeRun(input: { status: RunStatus; result: unknown }): Promise<void> {
      log.finalized.push({ status: input.status, result: input.result as RunResult });
      return Promise.resolve();
    },
    recordRunFailure(input: { error: string }): Promise<void> {
      log.failures.push(input.error);
      return Promise.resolve();
    },
  } satisfies Partial<Activities>;

  return {
    activities,
    log,
    spent: (): Spend => spend,
    /** The generations whose result was recorded, in order. */
    recordedGenerations: (): number[] => log.generations.map((g) => g.generation),
    holdGeneration(generation: number): Hold {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(generation, { reached, released });
      return { reached: reachedPromise, release };
    },
  };
}

export type RunStubs = ReturnType<typeof runStubs>;

/**
 * One set of activities for a worker that serves many runs: each call goes to the stubs of the run
 * it belongs to (every activity's input names its run).
 */
export function stubsByRun(registry: Map<string, RunStubs>): RunStubs['activities'] {
  const names = Object.keys(runStubs().activities);
  const forward = (name: string) => (input: { runId: string }) => {
    const stubs = registry.get(input.runId);
    if (!stubs) throw new Error(`stub activity ${name}: no stubs registered for run ${input.runId}`);
    return (stubs.activities[name as keyof RunStubs['activities']] as (arg: unknown) => Promise<unknown>)(input);
  };
  return Object.fromEntries(names.map((name) => [name, forward(name)])) as unknown as RunStubs['activities'];
}

/** The toy fitness: a program passes an example with a probability fixed by its hash (children vary). */
export function fitness(hash: string, id: string): number {
  const quality = hash === 'seed' ? 0.3 : Number(hash.slice('child-'.length)) / 2 ** 31;
  const draw = Number.parseInt(createHash('sha256').update(`${hash}|${id}`).digest('hex').slice(0, 8), 16) / 2 ** 32;
  return draw < quality ? 1 : 0;
}

function average(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
