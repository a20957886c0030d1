// Orchestration overhead: the same evaluation workload (N distinct candidates × M validation
// examples, every call paid for) run (a) through Temporal — the real generation workflow fanning
// out evaluateCandidate activities to a real worker process — and (b) in this process, calling the
// same activity function with the same concurrency. Each arm has its own schema and, for (a), one
// worker process, kept across its repeats; every repeat empties the response cache and runs a
// warm-up workload first. The model server runs in a child process so that neither
// arm shares its CPU time with it. Arms alternate; each is repeated and the median is reported.
// With --server-cpu N the Temporal server runs alone on CPU N and the rest on the other CPUs, as
// when the cluster is a separate service (bench/cpu-placement.ts).
// Usage: npm run bench:overhead -- [--candidates 8] [--examples 100] [--latencies 0,200] [--repeats 3]
//        [--warmup 1] [--per-activity 20] [--server-cpu 1]
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { LoadedTask } from '../client/task-file.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { loadConfig } from '../platform/config.js';
import { createPool, type Db } from '../platform/db.js';
import { withCleanup, type Cleanup } from './cleanup.js';
import { taskOnGeneratedData } from './datasets.js';
import {
  benchActivities,
  cachedEvaluations,
  evaluateInProcess,
  evaluateViaTemporal,
  evaluationCount,
  prepareEvalWorkload,
  EVAL_BATCH,
  type EvalWorkload,
} from './eval-workload.js';
import { isolateTemporalServer } from './cpu-placement.js';
import { historyStats } from './history.js';
import { cpuSeconds, cpuSecondsOfCommand, machineBusySeconds } from './memory.js';
import { clearResponseCache } from '../storage/response-cache.js';
import { fixed, intFlag, intListFlag, markdownTable, median, printHeader } from './report.js';
import {
  pointAt,
  startSimServerProcess,
  type SimServer,
  type BenchStack,
  type WorkerProcess,
  openBenchStack,
  startWorkers,
  stopWorkers,
} from '../infra/harness.js';

const { values } = parseArgs({
  options: {
    candidates: { type: 'string', default: '8' },
    examples: { type: 'string', default: '100' },
    latencies: { type: 'string', default: '0,200' },
    repeats: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    'per-activity': { type: 'string', default: String(EVAL_BATCH) },
    'server-cpu': { type: 'string' },
  },
});
const candidates = intFlag(values, 'candidates');
const examples = intFlag(values, 'examples');
const latencies = intListFlag(values, 'latencies');
const repeats = intFlag(values, 'repeats');
const warmup = intFlag(values, 'warmup');
const perActivity = intFlag(values, 'per-activity');
const serverCpu = values['server-cpu'] === undefined ? undefined : Number(values['server-cpu']);

interface ArmResult {
  ms: number;
  /** CPU seconds of the process that ran the activities (the worker, or this process), during the workload. */
  cpu: number;
  /** CPU seconds during the workload: the whole machine, the Temporal server, PostgreSQL, the model server. */
  machine: number;
  temporal: number;
  postgres: number;
  modelServer: number;
  evaluations: number;
  activities: number;
  calls: number;
  hits: number;
}

type Arm = 'temporal' | 'in-process';

/**
 * One arm's long-lived parts, kept across its repeats as a deployment keeps them: its own schema,
 * the pool its activities use and, for the Temporal arm, one worker process. So a process's cold
 * start (module loading, JIT warm-up) weighs on the first repeats only, for the worker as for the
 * benchmark's own process, which runs the in-process loop.
 */
interface ArmSetup {
  arm: Arm;
  stack: BenchStack;
  pool: Db;
  activities: ReturnType<typeof benchActivities>;
  workers: WorkerProcess[];
}

async function openArm(arm: Arm, latency: number, cleanup: Cleanup): Promise<ArmSetup> {
  const stack = await openBenchStack(`overhead_${arm === 'temporal' ? 't' : 'p'}${latency}`);
  cleanup.add('drop schema', () => stack.close());
  const { config } = stack;
  // The pool a worker process opens (worker/main.ts), for the activities of this process.
  const pool = createPool(config, config.WORKER_DB_POOL);
  cleanup.add('close pool', () => pool.end());
  const workers = arm === 'temporal' ? await startWorkers(config, 1) : [];
  cleanup.add('stop workers', () => stopWorkers(workers));
  return { arm, stack, pool, activities: benchActivities(config, pool), workers };
}

/** One repeat of an arm: an empty response cache, a warm-up workload, then the measured workload. */
async function measureArm(
  setup: ArmSetup,
  task: LoadedTask,
  server: SimServer,
  id: string,
  cleanup: Cleanup,
): Promise<ArmResult> {
  const { arm, stack, pool, activities, workers } = setup;
  const { config } = stack;
  const pointed = pointAt(server);
  const adjust = (spec: TaskSpec): TaskSpec => {
    const s = pointed(spec);
    return { ...s, search: { ...s.search, examplesPerActivity: perActivity } };
  };
  const execute = async (w: EvalWorkload): Promise<{ ms: number; workflowId?: string }> =>
    arm === 'temporal'
      ? await evaluateViaTemporal(stack.client, config.TEMPORAL_TASK_QUEUE, w, cleanup)
      : { ms: await evaluateInProcess(activities, w, config.WORKER_MAX_ACTIVITIES) };

  await clearResponseCache(pool);
  await execute(await prepareEvalWorkload(activities, pool, task, `${id}-warmup`, warmup, adjust));
  await clearResponseCache(pool);

  const workload = await prepareEvalWorkload(activities, pool, task, id, candidates, adjust);
  const activityProcess = workers[0]?.child.pid ?? process.pid;
  const before = await server.received();
  const sample = (): number[] => [
    cpuSeconds(activityProcess),
    machineBusySeconds(),
    cpuSecondsOfCommand('temporal'),
    cpuSecondsOfCommand('postgres'),
    server.pid === undefined ? 0 : cpuSeconds(server.pid),
  ];
  const cpuBefore = sample();
  const { ms, workflowId } = await execute(workload);
  const [cpu, machine, temporal, postgres, modelServer] = sample().map((after, i) => after - cpuBefore[i]!) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const calls = (await server.received()) - before;
  const activityCount = workflowId
    ? ((await historyStats(stack.client, workflowId)).activities.get('evaluateCandidate') ?? 0)
    : candidates * Math.ceil(workload.valIds.length / perActivity);
  return {
    ms,
    cpu,
    machine,
    temporal,
    postgres,
    modelServer,
    evaluations: evaluationCount(workload),
    activities: activityCount,
    calls,
    hits: await cachedEvaluations(pool, id),
  };
}

const rate = (r: ArmResult): number => r.evaluations / (r.ms / 1000);

await withCleanup(async (cleanup) => {
  const placement = serverCpu === undefined ? undefined : isolateTemporalServer(serverCpu);
  if (placement) cleanup.add('restore CPU placement', () => Promise.resolve(placement.restore()));
  const task = await taskOnGeneratedData('examples/ticket-routing/task.yaml', 'ticket-routing', {
    train: 20,
    val: examples,
    test: 20,
  });
  printHeader('Orchestration overhead', {
    candidates,
    examples,
    latencies: latencies.join('/') + ' ms',
    repeats,
    'activity slots per worker (WORKER_MAX_ACTIVITIES)': loadConfig().WORKER_MAX_ACTIVITIES,
    'model calls in flight per process (maxConcurrency)': task.spec.models[task.spec.roles.dev]?.maxConcurrency ?? 0,
    'examples per activity (search.examplesPerActivity)': perActivity,
    'warm-up candidates per arm': warmup,
    'CPU placement': placement?.describe ?? 'every process on every CPU',
  });
  const rows: (string | number)[][] = [];
  const ratios: (string | number)[][] = [];
  const cpuRows: (string | number)[][] = [];
  for (const latency of latencies) {
    const server = await startSimServerProcess({ latencyMs: latency });
    cleanup.add('stop model server', () => server.close());
    const setups: Record<Arm, ArmSetup> = {
      temporal: await openArm('temporal', latency, cleanup),
      'in-process': await openArm('in-process', latency, cleanup),
    };
    const results: Record<Arm, ArmResult[]> = { temporal: [], 'in-process': [] };
    for (let rep = 0; rep < repeats; rep++) {
      const order: Arm[] = rep % 2 === 0 ? ['temporal', 'in-process'] : ['in-process', 'temporal'];
      for (const arm of order) {
        const id = `overhead-${arm}-${latency}ms-${rep}-${Date.now()}`;
        results[arm].push(await measureArm(setups[arm], task, server, id, cleanup));
      }
    }
    for (const arm of ['temporal', 'in-process'] as const) {
      const runs = results[arm];
      const rates = runs.map(rate);
      const first = runs[0]!;
      rows.push([
        latency,
        arm === 'temporal' ? '(a) Temporal, 1 worker process' : '(b) in-process loop',
        first.evaluations,
        first.activities,
        runs.map((r) => r.calls).join('/'),
        runs.map((r) => r.hits).join('/'),
        fixed(median(runs.map((r) => r.ms)) / 1000),
        fixed(median(rates)),
        `${fixed(Math.min(...rates))}–${fixed(Math.max(...rates))}`,
        fixed((median(runs.map((r) => r.cpu)) / first.evaluations) * 1000, 2),
      ]);
      const perEvaluation = (pick: (r: ArmResult) => number): string =>
        fixed((median(runs.map(pick)) / first.evaluations) * 1000, 2);
      cpuRows.push([
        latency,
        arm === 'temporal' ? '(a) Temporal' : '(b) in-process',
        perEvaluation((r) => r.cpu),
        perEvaluation((r) => r.temporal),
        perEvaluation((r) => r.postgres),
        perEvaluation((r) => r.modelServer),
        perEvaluation((r) => r.machine),
        fixed(median(runs.map((r) => r.machine / ((r.ms / 1000) * cpus().length))), 2),
      ]);
    }
    const a = median(results.temporal.map(rate));
    const b = median(results['in-process'].map(rate));
    const activities = results.temporal[0]!.activities;
    const extraMs = median(results.temporal.map((r) => r.ms)) - median(results['in-process'].map((r) => r.ms));
    ratios.push([latency, fixed(a), fixed(b), fixed(a / b, 2), fixed(extraMs / Math.max(1, activities), 0)]);
  }
  console.log(
    markdownTable(
      [
        'latency ms',
        'path',
        'evaluations',
        'evaluate activities',
        'model calls (per repeat)',
        'cache hits',
        'median wall s',
        'median evaluations/s',
        'range evaluations/s',
        'CPU ms per evaluation (activity process)',
      ],
      rows,
    ),
  );
  console.log();
  console.log(
    markdownTable(
      ['latency ms', '(a) evaluations/s', '(b) evaluations/s', 'ratio (a)/(b)', 'extra ms per activity (a)−(b)'],
      ratios,
    ),
  );
  console.log();
  // Where the CPU goes, per evaluation (medians over repeats). When the machine's busy share is
  // near 1 the workload is CPU-bound, and wall time follows the whole machine's CPU, not one process's.
  console.log(
    markdownTable(
      [
        'latency ms',
        'path',
        'activity process CPU ms',
        'Temporal server CPU ms',
        'PostgreSQL CPU ms',
        'model server CPU ms',
        'whole machine CPU ms',
        `machine busy share (of ${cpus().length} CPUs)`,
      ],
      cpuRows,
    ),
  );
});
