import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  zeroSpend,
  type EvaluateInput,
  type EvaluationResult,
  type GenerationInput,
  type GenerationResult,
  type LegacyGenerationInput,
  type ProposalResult,
  type ProposeInput,
  type Spend,
} from '../../contracts/index.js';
import { Rng } from '../../core/rng.js';
import type { SearchSpec } from '../../core/task/search-spec.js';
import { parseTaskSpec } from '../../core/task/spec.js';
import { loadConfig } from '../../platform/config.js';
import { generationWorkflow } from '../../workflows/generation.js';
import { validTaskYaml } from '../unit/core/fixtures.js';

/**
 * The generation workflow's logic on the real Temporal dev server with stub activities: which
 * examples screening reads, which children earn a full evaluation, what happens to a slot whose
 * operator has nothing to work on, and how a wave shrinks to the budget.
 */
const trainIds = Array.from({ length: 30 }, (_, i) => `train-${i}`);
const valIds = Array.from({ length: 20 }, (_, i) => `val-${i}`);
const onlyReflect = { mutate: 0, crossover: 0, differential: 0, reflect: 1, merge: 0, demo: 0, bootstrap: 0, prune: 0 };
/** The stub's hash for a proposed child (see proposeCandidate below). */
const childHash = (p: ProposeInput): string => `${p.operator}:${p.parentHashes[0]}:${p.seed}`;
const fixtureSpec = parseTaskSpec(validTaskYaml, 'fixture.yaml');
/** The fixture task with these search settings, as a generation's input overrides. */
const withSearch = (search: Partial<SearchSpec>): Pick<GenerationInput, 'spec'> => ({
  spec: { ...fixtureSpec, search: { ...fixtureSpec.search, ...search } },
});
/** The stub runs' own search settings: one step of five children on a minibatch of five. */
const base6 = { populationSize: 6, minibatchSize: 5, screenKeep: 1, childrenPerMinibatch: 10 };
/** Screens grouped by the minibatch they ran on, in the order the minibatches came: the generation's steps. */
function stepsOf<T extends { exampleIds: string[] }>(screens: T[]): T[][] {
  const minibatches = [...new Set(screens.map((s) => s.exampleIds.join()))];
  return minibatches.map((key) => screens.filter((s) => s.exampleIds.join() === key));
}

/** Stub activities over a toy fitness (`score` below), counting one call per new (candidate, example). */
function stubActivities(options: { reflectHasNothing: boolean; seedPerfectOn?: (id: string) => boolean }) {
  const fitness = (hash: string, id: string): number =>
    hash === 'seed' && options.seedPerfectOn ? (options.seedPerfectOn(id) ? 1 : 0) : score(hash, id);
  const calls: { purpose: string; hash: string; exampleIds: string[]; role: EvaluateInput['role'] }[] = [];
  const recorded: { stage?: string }[] = [];
  const proposals: ProposeInput[] = [];
  const paid = new Set<string>();
  let spend: Spend = { ...zeroSpend };
  const book = (n: number): void => {
    spend = { ...spend, calls: spend.calls + n };
  };
  return {
    calls,
    proposals,
    recorded,
    spent: () => spend,
    activities: {
      evaluateCandidate(input: EvaluateInput): Promise<EvaluationResult> {
        calls.push({ purpose: input.purpose, hash: input.hash, exampleIds: input.exampleIds, role: input.role });
        for (const id of input.exampleIds) {
          if (!paid.has(`${input.hash}|${id}`)) book(1);
          paid.add(`${input.hash}|${id}`);
        }
        const scores = input.exampleIds.map((id) => fitness(input.hash, id));
        const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
        return Promise.resolve({ hash: input.hash, model: 'm', scores, mean, spend });
      },
      proposeCandidate(input: ProposeInput): Promise<ProposalResult> {
        proposals.push(input);
        if (input.operator === 'reflect' && options.reflectHasNothing) {
          return Promise.resolve({ status: 'skipped', operator: 'reflect', reason: 'no failures on train', spend });
        }
        book(1);
        const hash = `${input.operator}:${input.parentHashes[0]}:${input.seed}`;
        return Promise.resolve({
          status: 'created',
          hash,
          operator: input.operator,
          parents: input.parentHashes,
          spend,
        });
      },
      recordGeneration(input: { stage?: string }): Promise<{ spend: Spend; spendByModel: Record<string, Spend> }> {
        recorded.push({ ...(input.stage ? { stage: input.stage } : {}) });
        return Promise.resolve({ spend, spendByModel: {} });
      },
    },
  };
}

describe('generation workflow with stub activities', () => {
  let connection: Connection;
  let native: NativeConnection;
  let client: Client;
  const workflowBundle = (): { code: string } => ({ code: readFileSync(inject('workflowBundlePath'), 'utf8') });
  const config = loadConfig();

  beforeAll(async () => {
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    native = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  });
  afterAll(async () => {
    await connection?.close();
    await native?.close();
  });

  async function runGeneration(
    stubs: ReturnType<typeof stubActivities>,
    /** With `stage` (and no `mode`): the input as generations were started before `mode`. */
    overrides: Partial<GenerationInput> | Partial<LegacyGenerationInput> = {},
  ): Promise<GenerationResult> {
    const taskQueue = `gen-stub-${randomBytes(4).toString('hex')}`;
    const worker = await Worker.create({
      connection: native,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: workflowBundle(),
      activities: stubs.activities,
    });
    const base: Omit<GenerationInput, 'mode'> = {
      runId: `stub-${taskQueue}`,
      generation: 0,
      spec: {
        ...fixtureSpec,
        search: {
          ...fixtureSpec.search,
          populationSize: 6,
          minibatchSize: 5,
          screenKeep: 1,
          // One step with every slot, validating every winner (the default spreads slots: below).
          childrenPerMinibatch: 10,
          validatePerGeneration: 10,
        },
      },
      valIds,
      screenIds: trainIds,
      population: [{ hash: 'seed', operator: 'seed', parents: [], score: 0, scores: [] }],
      rngState: Rng.fromSeed('stub').getState(),
      budget: {},
      reserveCalls: 0,
      spend: { ...zeroSpend },
    };
    const input: GenerationInput | LegacyGenerationInput =
      'stage' in overrides ? { ...base, ...overrides } : { ...base, mode: { kind: 'evolve' }, ...overrides };
    return worker.runUntil(
      client.workflow.execute(generationWorkflow, { workflowId: input.runId, taskQueue, args: [input] }),
    );
  }

  it('screens every child of generation 0 on train examples against its parent; only winners are validated', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    const result = await runGeneration(stubs);
    const screens = stubs.calls.filter((c) => c.purpose === 'screen');
    const validations = stubs.calls.filter((c) => c.purpose === 'validate');
    expect(screens.length).toBeGreaterThan(1);
    // One minibatch for the generation, drawn from train only.
    const minibatch = screens[0]!.exampleIds;
    expect(minibatch).toHaveLength(5);
    for (const s of screens) expect(s.exampleIds).toEqual(minibatch);
    for (const id of minibatch) expect(trainIds).toContain(id);
    // The seed is screened (its children are compared with it) and validated; children are
    // validated only when they beat the seed on the minibatch.
    expect(screens.map((s) => s.hash)).toContain('seed');
    const seedOnMinibatch = minibatch.filter((id) => score('seed', id)).length;
    for (const child of new Set(validations.map((v) => v.hash))) {
      if (child === 'seed') continue;
      expect(minibatch.filter((id) => score(child, id)).length).toBeGreaterThan(seedOnMinibatch);
    }
    expect(result.stats.screened).toBe(5);
    expect(result.stats.promoted).toBe(new Set(validations.map((v) => v.hash)).size - 1);
    for (const v of validations) for (const id of v.exampleIds) expect(valIds).toContain(id);
  });

  it('screens a ready-made starter (the seed with labeled demos) against the seed in a slot of its own, unproposed', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    const starter = 'demo:seed:2147483000';
    const result = await runGeneration(stubs, {
      starters: [{ hash: starter, operator: 'demo', parents: ['seed'], score: 0, scores: [] }],
    });
    const screens = stubs.calls.filter((c) => c.purpose === 'screen');
    const minibatch = screens[0]!.exampleIds;
    // It takes one of the five slots, no proposal is made for it, and it is screened on the seed's minibatch.
    expect(stubs.proposals).toHaveLength(4);
    expect(result.stats.screened).toBe(5);
    expect(screens.find((s) => s.hash === starter)?.exampleIds).toEqual(minibatch);
    // It beats the seed there (its toy quality is near 1), so it is validated.
    const validated = new Set(stubs.calls.filter((c) => c.purpose === 'validate').map((c) => c.hash));
    expect(validated.has(starter)).toBe(true);
  });

  it('screens every starter on the first minibatch, however few children a minibatch otherwise takes', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    const starters = [1, 2, 3].map((i) => ({
      hash: `demo:seed:${2147483000 + i}`,
      operator: 'demo',
      parents: ['seed'],
      score: 0,
      scores: [],
    }));
    const result = await runGeneration(stubs, {
      ...withSearch({ populationSize: 6, minibatchSize: 5, childrenPerMinibatch: 1, chainWinners: false }),
      starters,
    });
    const steps = stepsOf(stubs.calls.filter((c) => c.purpose === 'screen'));
    // The first step screens the seed and the three starters on one minibatch; none was proposed.
    expect(steps[0]!.map((s) => s.hash).sort()).toEqual(['seed', ...starters.map((s) => s.hash)].sort());
    expect(stubs.proposals).toHaveLength(0);
    expect(result.stats.screened).toBe(3);
  });

  it('draws a slot again when its operator has nothing to work on, and never fails the generation', async () => {
    const stubs = stubActivities({ reflectHasNothing: true });
    const result = await runGeneration(
      stubs,
      withSearch({
        populationSize: 6,
        minibatchSize: 5,
        childrenPerMinibatch: 10,
        operators: { mutate: 1, crossover: 0, differential: 0, reflect: 5, merge: 0, demo: 0, bootstrap: 0, prune: 0 },
      }),
    );
    const reflects = stubs.proposals.filter((p) => p.operator === 'reflect');
    const mutates = stubs.proposals.filter((p) => p.operator === 'mutate');
    expect(reflects.length).toBeGreaterThan(0);
    expect(result.stats.skipped).toBe(reflects.length);
    // Every slot ends with a child: the skipped ones were drawn again with the other operator.
    expect(mutates).toHaveLength(5);
    expect(result.stats.operators).toEqual({ mutate: 5 });
  });

  it('spends no child on a parent perfect on the minibatch: the next examples of the pass are drawn', async () => {
    const firstFive = trainIds.slice(0, 5);
    const stubs = stubActivities({ reflectHasNothing: false, seedPerfectOn: (id) => firstFive.includes(id) });
    const result = await runGeneration(stubs, { screenQueue: trainIds.slice(0, 12) });
    const screens = stubs.calls.filter((c) => c.purpose === 'screen');
    // The seed is perfect on the first five: screened there, then on the next five of the pass, where
    // every child is screened; no proposal was made before the second minibatch.
    expect(screens[0]).toMatchObject({ hash: 'seed', exampleIds: firstFive });
    const second = trainIds.slice(5, 10);
    expect(screens.slice(1).every((s) => s.exampleIds.join() === second.join())).toBe(true);
    expect(screens.slice(1).map((s) => s.hash)).toContain('seed');
    expect(result.stats.screened).toBe(5);
    expect(result.stats.skipped).toBe(0);
    expect(result.screenQueue).toEqual(trainIds.slice(10, 12));
  });

  it('makes no child at all when the parent is perfect on every minibatch it is given, and still completes', async () => {
    const stubs = stubActivities({ reflectHasNothing: false, seedPerfectOn: () => true });
    const result = await runGeneration(stubs);
    const screens = stubs.calls.filter((c) => c.purpose === 'screen');
    expect(stubs.proposals).toHaveLength(0);
    expect(screens.map((s) => s.hash)).toEqual(['seed', 'seed', 'seed']);
    expect(new Set(screens.flatMap((s) => s.exampleIds)).size).toBe(15);
    expect(result.stats.skipped).toBe(5);
    expect(result.population.map((m) => m.hash)).toEqual(['seed']);
  });

  it('validates only the child with the largest gain on the screen by default', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    const result = await runGeneration(
      stubs,
      withSearch({ populationSize: 6, minibatchSize: 5, screenKeep: 1, childrenPerMinibatch: 10 }),
    );
    const minibatch = stubs.calls.find((c) => c.purpose === 'screen')!.exampleIds;
    const onMinibatch = (hash: string): number => minibatch.filter((id) => score(hash, id)).length;
    const children = stubs.proposals.map((p) => `${p.operator}:${p.parentHashes[0]}:${p.seed}`);
    const gains = children.map((h) => onMinibatch(h) - onMinibatch('seed')).filter((g) => g > 0);
    expect(gains.length).toBeGreaterThan(1);
    const validated = [...new Set(stubs.calls.filter((c) => c.purpose === 'validate').map((c) => c.hash))];
    expect(validated.filter((h) => h !== 'seed')).toHaveLength(1);
    expect(onMinibatch(validated.find((h) => h !== 'seed')!) - onMinibatch('seed')).toBe(Math.max(...gains));
    expect(result.stats.promoted).toBe(1);
  });

  it('without chaining spreads the slots over minibatches, two children each, and stops at the first winner', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    const result = await runGeneration(stubs, withSearch({ populationSize: 6, minibatchSize: 5, chainWinners: false }));
    // Each step: the seed on a new minibatch, then at most two children on the same one.
    const steps = stepsOf(stubs.calls.filter((c) => c.purpose === 'screen'));
    for (const screensOfStep of steps) {
      expect(screensOfStep[0]!.hash).toBe('seed');
      expect(screensOfStep.length - 1).toBeLessThanOrEqual(2);
    }
    expect(new Set(steps.flatMap((st) => st[0]!.exampleIds)).size).toBe(steps.length * 5);
    // It stops at the first step with a child that beats the seed there, and validates that one.
    const beats = (hash: string, ids: string[]): boolean =>
      ids.filter((id) => score(hash, id)).length > ids.filter((id) => score('seed', id)).length;
    const winnersPerStep = steps.map((st) => st.slice(1).filter((c) => beats(c.hash, c.exampleIds)).length);
    expect(winnersPerStep.slice(0, -1).every((n) => n === 0)).toBe(true);
    expect(winnersPerStep.at(-1)).toBeGreaterThan(0);
    expect(result.stats.promoted).toBe(1);
    expect(result.stats.screened).toBeLessThan(5);
  });

  it('by default builds on the first winner: later steps screen its children against it, and only the last link is validated', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    const result = await runGeneration(
      stubs,
      withSearch({ populationSize: 8, minibatchSize: 5, operators: onlyReflect, adaptiveOperators: true }),
    );
    const steps = stepsOf(stubs.calls.filter((c) => c.purpose === 'screen'));
    const onStep = (hash: string, ids: string[]): number => ids.filter((id) => score(hash, id)).length;
    // Walk the steps as the workflow does: the tip is the seed until a child beats its parent.
    let tip = 'seed';
    const links: string[] = [];
    let passes = 0;
    for (const step of steps) {
      const ids = step[0]!.exampleIds;
      expect(step[0]!.hash).toBe(tip);
      const children = step.slice(1).map((s) => s.hash);
      for (const child of children)
        expect(stubs.proposals.find((p) => childHash(p) === child)?.parentHashes[0]).toBe(tip);
      passes += children.filter((c) => onStep(c, ids) > onStep(tip, ids)).length;
      const best = children
        .filter((c) => onStep(c, ids) > onStep(tip, ids))
        .sort((a, b) => onStep(b, ids) - onStep(a, ids) || (a < b ? -1 : 1))[0];
      if (best) links.push((tip = best));
    }
    expect(links.length).toBeGreaterThan(1);
    expect(result.stats.screened).toBe(7);
    // Every link beat its parent: each counts as a pass for its operator (adaptive operator selection).
    expect(passes).toBeGreaterThanOrEqual(links.length);
    expect(result.operatorCredit.reflect).toEqual({ tried: 7, passed: passes });
    const validated = [...new Set(stubs.calls.filter((c) => c.purpose === 'validate').map((c) => c.hash))];
    expect(validated).toEqual(['seed', tip]);
    expect(result.stats.promoted).toBe(1);
  });

  it('shrinks the last wave to the budget left after the reserve instead of dropping it', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    // 20 (seed on validation) + 5 (seed on the minibatch) + 5 proposals + 25 screens = 55, then room
    // for one full validation of 20 before the reserve of 30: budget 110.
    const result = await runGeneration(stubs, { budget: { calls: 110 }, reserveCalls: 30 });
    expect(stubs.spent().calls).toBeLessThanOrEqual(110 - 30);
    expect(result.stats.screened).toBe(5);
    // Of the children that beat the seed on the minibatch, exactly one fits: it is validated, not dropped.
    const minibatch = stubs.calls.find((c) => c.purpose === 'screen')!.exampleIds;
    const seedSum = minibatch.filter((id) => score('seed', id)).length;
    const winners = stubs.proposals
      .map((p) => `${p.operator}:${p.parentHashes[0]}:${p.seed}`)
      .filter((h) => minibatch.filter((id) => score(h, id)).length > seedSum);
    expect(winners.length).toBeGreaterThan(1);
    expect(result.stats.promoted).toBe(1);
    expect(result.budgetExhausted).toBe(true);
    // The others are carried to the next generation as runners-up (at most four), none validated.
    expect(result.runnersUp).toHaveLength(Math.min(4, winners.length - 1));
  });

  /** The children that beat the seed on the first minibatch, largest gain first (ties by hash). */
  function winnersOverSeed(stubs: ReturnType<typeof stubActivities>): string[] {
    const minibatch = stubs.calls.find((c) => c.purpose === 'screen')!.exampleIds;
    const onMinibatch = (h: string): number => minibatch.filter((id) => score(h, id)).length;
    return stubs.proposals
      .map(childHash)
      .filter((h) => onMinibatch(h) > onMinibatch('seed'))
      .sort((a, b) => onMinibatch(b) - onMinibatch(a) || (a < b ? -1 : 1));
  }
  const validatedIn = (stubs: ReturnType<typeof stubActivities>): string[] => [
    ...new Set(stubs.calls.filter((c) => c.purpose === 'validate').map((c) => c.hash)),
  ];

  it('keeps screened winners it does not validate as runners-up while the budget lasts', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    const result = await runGeneration(stubs, withSearch({ ...base6, validatePerGeneration: 1 }));
    const winners = winnersOverSeed(stubs);
    expect(winners.length).toBeGreaterThan(2);
    expect(validatedIn(stubs)).toEqual(['seed', winners[0]]);
    expect(result.runnersUp?.map((m) => m.hash)).toEqual(winners.slice(1, 5));
    expect(result.budgetExhausted).toBe(false);
  });

  it('spends what is left when the budget ends the search on validating the next runner-up', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    // 55 calls for the step (see above) + 20 for the winner; 25 left before the reserve of 30: no
    // further step fits (it needs 31), one more validation of 20 does.
    const result = await runGeneration(stubs, {
      ...withSearch({ ...base6, validatePerGeneration: 1 }),
      budget: { calls: 130 },
      reserveCalls: 30,
    });
    const winners = winnersOverSeed(stubs);
    expect(validatedIn(stubs)).toEqual(['seed', winners[0], winners[1]]);
    expect(result.stats.promoted).toBe(2);
    expect(stubs.spent().calls).toBeLessThanOrEqual(130 - 30);
    expect(result.runnersUp?.map((m) => m.hash)).toEqual(winners.slice(2, 6));
  });

  it('validates runners-up carried from earlier generations when no step fits', async () => {
    const stubs = stubActivities({ reflectHasNothing: false });
    const runnerUp = 'reflect:seed:2000000000';
    // The seed on validation (20), then 20 left before the reserve: no step (31), one validation.
    const result = await runGeneration(stubs, {
      runnersUp: [{ hash: runnerUp, operator: 'reflect', parents: ['seed'], score: 0, scores: [] }],
      budget: { calls: 70 },
      reserveCalls: 30,
    });
    expect(stubs.proposals).toHaveLength(0);
    expect(validatedIn(stubs)).toEqual(['seed', runnerUp]);
    expect(result.population.map((m) => m.hash)).toContain(runnerUp);
    expect(result.runnersUp).toEqual([]);
    expect(result.budgetExhausted).toBe(true);
  });

  describe('input recorded before generations had a mode', () => {
    const teacher = { hash: 'teacher', model: 'sim-large', program: { samples: 3, temperature: 0.7 } };
    /** What a generation asked of its activities (activities run concurrently: in a canonical order). */
    const asked = (stubs: ReturnType<typeof stubActivities>) => ({
      calls: stubs.calls.map((c) => JSON.stringify(c)).sort(),
      proposals: stubs.proposals.map(({ runId: _runId, ...proposal }) => JSON.stringify(proposal)).sort(),
      recorded: stubs.recorded,
    });

    it('runs a distillation round started with stage, fitness and teacher as one started with the distill mode', async () => {
      const legacy = stubActivities({ reflectHasNothing: false });
      const legacyResult = await runGeneration(legacy, {
        stage: 'distill',
        fitness: { model: 'sim-small' },
        teacher,
      });
      const current = stubActivities({ reflectHasNothing: false });
      const currentResult = await runGeneration(current, {
        mode: { kind: 'distill', fitness: { model: 'sim-small' }, teacher },
      });
      // On the student, told apart as distillation's calls and records, proposals reading the teacher.
      expect(legacy.calls.length).toBeGreaterThan(0);
      for (const call of legacy.calls) {
        expect(call.purpose).toMatch(/^distill:(screen|validate)$/);
        expect(call.role).toEqual({ model: 'sim-small' });
      }
      for (const p of legacy.proposals) {
        expect(p).toMatchObject({ stage: 'distill', fitness: { model: 'sim-small' }, teacher });
      }
      expect(legacy.recorded).toEqual([{ stage: 'distill' }]);
      expect(asked(current)).toEqual(asked(legacy));
      expect(currentResult).toEqual(legacyResult);
    });

    it('runs an evolution generation started without mode or stage as one started with the evolve mode', async () => {
      const legacy = stubActivities({ reflectHasNothing: false });
      const legacyResult = await runGeneration(legacy, { stage: undefined });
      const current = stubActivities({ reflectHasNothing: false });
      const currentResult = await runGeneration(current);
      for (const call of legacy.calls) {
        expect(call.purpose).toMatch(/^(screen|validate)$/);
        expect(call.role).toBe('dev');
      }
      for (const p of legacy.proposals) expect(p).not.toHaveProperty('stage');
      expect(legacy.recorded).toEqual([{}]);
      expect(asked(current)).toEqual(asked(legacy));
      expect(currentResult).toEqual(legacyResult);
    });
  });
});

/** The toy fitness: a candidate passes an example with a probability fixed by its hash (children vary). */
function score(hash: string, id: string): number {
  const quality = hash === 'seed' ? 0.3 : Number(hash.split(':').at(-1) ?? 0) / 2 ** 31;
  const draw = Number.parseInt(createHash('sha256').update(`${hash}|${id}`).digest('hex').slice(0, 8), 16) / 2 ** 32;
  return draw < quality ? 1 : 0;
}
