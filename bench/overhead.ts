// Orchestration overhead: the same evaluation workload (N distinct candidates × M validation
// examples, every call paid for) run (a) through Temporal — the real generation workflow fanning
// out evaluateCandidate activities to a real worker process — and (b) in this process, calling the
// same activity function with the same concurrency. Each arm gets a fresh schema (empty response
// cache) and a warm-up workload first; prints evaluations/second and the ratio (a)/(b).
// Usage: npm run bench:overhead -- [--candidates 8] [--examples 100] [--latencies 0,200]
import { parseArgs } from 'node:util';
import type { LoadedTask } from '../client/task-file.js';
import type { ModelServer } from '../infra/model-server/server.js';
import { loadConfig } from '../platform/config.js';
import { createPool } from '../platform/db.js';
import { withCleanup } from './cleanup.js';
import { taskOnGeneratedData } from './datasets.js';
import {
  benchActivities,
  cachedCalls,
  evaluateInProcess,
  evaluateViaTemporal,
  evaluationCount,
  prepareEvalWorkload,
  EVAL_BATCH,
} from './eval-workload.js';
import { historyStats } from './history.js';
import { fixed, intFlag, intListFlag, markdownTable, printHeader, seconds } from './report.js';
import { pointAt, receivedRequests, startSimServer } from './sim-server.js';
import { openBenchStack, startWorkers, stopWorkers } from './workers.js';

const { values } = parseArgs({
  options: {
    candidates: { type: 'string', default: '8' },
    examples: { type: 'string', default: '100' },
    latencies: { type: 'string', default: '0,200' },
  },
});
const candidates = intFlag(values, 'candidates');
const examples = intFlag(values, 'examples');
const latencies = intListFlag(values, 'latencies');

interface ArmResult {
  ms: number;
  evaluations: number;
  activities: number;
  calls: number;
  hits: number;
}

type Arm = 'temporal' | 'in-process';

/** One arm in a scope of its own: a fresh schema, a warm-up, then the measured workload. */
function runArm(arm: Arm, task: LoadedTask, server: ModelServer, latency: number): Promise<ArmResult> {
  return withCleanup(async (cleanup) => {
    const stack = await openBenchStack(`overhead_${arm === 'temporal' ? 't' : 'p'}${latency}`);
    cleanup.add('drop schema', () => stack.close());
    const { config } = stack;
    // The pool a worker process opens (worker/main.ts), for the activities of this process.
    const pool = createPool(config, config.WORKER_MAX_ACTIVITIES + 2);
    cleanup.add('close pool', () => pool.end());
    const activities = benchActivities(config, pool);
    const workers = arm === 'temporal' ? await startWorkers(config, 1) : [];
    cleanup.add('stop workers', () => stopWorkers(workers));
    const adjust = pointAt(server);
    const id = `overhead-${arm}-${latency}ms-${Date.now()}`;
    const execute = async (w: Awaited<ReturnType<typeof prepareEvalWorkload>>) =>
      arm === 'temporal'
        ? await evaluateViaTemporal(stack.client, config.TEMPORAL_TASK_QUEUE, w, cleanup)
        : { ms: await evaluateInProcess(activities, w, config.WORKER_MAX_ACTIVITIES), workflowId: undefined };

    await execute(await prepareEvalWorkload(activities, pool, task, `${id}-warmup`, 1, adjust));
    await pool.query('DELETE FROM response_cache');

    const workload = await prepareEvalWorkload(activities, pool, task, id, candidates, adjust);
    const before = receivedRequests(server);
    const { ms, workflowId } = await execute(workload);
    const calls = receivedRequests(server) - before;
    const activityCount = workflowId
      ? ((await historyStats(stack.client, workflowId)).activities.get('evaluateCandidate') ?? 0)
      : candidates * Math.ceil(workload.valIds.length / EVAL_BATCH);
    return {
      ms,
      evaluations: evaluationCount(workload),
      activities: activityCount,
      calls,
      hits: await cachedCalls(pool, id),
    };
  });
}

await withCleanup(async (cleanup) => {
  const task = await taskOnGeneratedData('examples/ticket-routing/task.yaml', 'ticket-routing', {
    train: 20,
    val: examples,
    test: 20,
  });
  const maxConcurrency = task.spec.models[task.spec.roles.dev]?.maxConcurrency ?? 0;
  const { WORKER_MAX_ACTIVITIES } = loadConfig();
  printHeader('Orchestration overhead', {
    candidates,
    examples,
    latencies: latencies.join('/') + ' ms',
    'activity slots per worker (WORKER_MAX_ACTIVITIES)': WORKER_MAX_ACTIVITIES,
    'model calls in flight per process (maxConcurrency)': maxConcurrency,
    'examples per activity': EVAL_BATCH,
  });
  const rows: (string | number)[][] = [];
  const ratios: (string | number)[][] = [];
  for (const latency of latencies) {
    const server = await startSimServer({ latencyMs: latency });
    cleanup.add('close model server', () => server.close());
    const results = {} as Record<Arm, ArmResult>;
    for (const arm of ['temporal', 'in-process'] as const) {
      const r = await runArm(arm, task, server, latency);
      results[arm] = r;
      rows.push([
        latency,
        arm === 'temporal' ? '(a) Temporal, 1 worker process' : '(b) in-process loop',
        r.evaluations,
        r.activities,
        r.calls,
        r.hits,
        seconds(r.ms),
        fixed(r.evaluations / (r.ms / 1000)),
      ]);
    }
    const a = results.temporal;
    const b = results['in-process'];
    ratios.push([
      latency,
      fixed(a.evaluations / (a.ms / 1000)),
      fixed(b.evaluations / (b.ms / 1000)),
      fixed(b.ms / a.ms, 2),
      fixed((a.ms - b.ms) / a.activities, 0),
    ]);
  }
  console.log(
    markdownTable(
      [
        'latency ms',
        'path',
        'evaluations',
        'evaluate activities',
        'model calls',
        'cache hits',
        'wall s',
        'evaluations/s',
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
});
