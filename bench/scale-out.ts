// Scale-out: the same evaluation workload (N distinct candidates × M validation examples, through
// the real generation workflow and evaluateCandidate activities) on 1, 2 and 4 worker processes
// against a latency-bound simulated backend (no rate limit). Prints evaluations/second, the
// speed-up over one worker, and the ceiling the per-process concurrency limit sets.
// Usage: npm run bench:scale-out -- [--workers 1,2,4] [--candidates 16] [--examples 100] [--latency 500]
//        [--max-concurrency 8] [--max-activities 32]
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config.js';
import { withCleanup } from './cleanup.js';
import { taskOnGeneratedData } from './datasets.js';
import {
  benchActivities,
  cachedEvaluations,
  evaluateViaTemporal,
  evaluationCount,
  prepareEvalWorkload,
  EVAL_BATCH,
} from './eval-workload.js';
import { historyStats } from './history.js';
import { clearResponseCache } from '../storage/response-cache.js';
import { fixed, intFlag, intListFlag, markdownTable, printHeader, seconds } from './report.js';
import { openSession } from './session.js';
import { pointAt } from '../infra/harness.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    candidates: { type: 'string', default: '16' },
    examples: { type: 'string', default: '100' },
    latency: { type: 'string', default: '500' },
    'max-concurrency': { type: 'string', default: '8' },
    'max-activities': { type: 'string', default: String(loadConfig().WORKER_MAX_ACTIVITIES) },
  },
});
const workerCounts = intListFlag(values, 'workers', 1);
const candidates = intFlag(values, 'candidates');
const examples = intFlag(values, 'examples');
const latency = intFlag(values, 'latency', 0);
const maxConcurrency = intFlag(values, 'max-concurrency');
const maxActivities = intFlag(values, 'max-activities');

printHeader('Scale-out over worker processes', {
  workers: workerCounts.join('/'),
  candidates,
  examples,
  'latency ms': latency,
  'endpoint maxConcurrency (per worker process)': maxConcurrency,
  'WORKER_MAX_ACTIVITIES (activity slots per worker)': maxActivities,
  'examples per activity': EVAL_BATCH,
});

const task = await taskOnGeneratedData('examples/ticket-routing/task.yaml', 'ticket-routing', {
  train: 20,
  val: examples,
  test: 20,
});
const rows: (string | number)[][] = [];
/** Throughput of the first (smallest) worker count: speed-ups are relative to it. */
let base: number | undefined;
for (const count of workerCounts) {
  const row = await withCleanup(async (cleanup) => {
    const session = await openSession(cleanup, {
      name: `scaleout_${count}`,
      latencyMs: latency,
      workers: count,
      config: { WORKER_MAX_ACTIVITIES: maxActivities },
    });
    const { stack, server } = session;
    const activities = benchActivities(stack.config, stack.db);
    const adjust = pointAt(server, { maxConcurrency });
    const id = `scaleout-${count}w-${Date.now()}`;
    const queue = stack.config.TEMPORAL_TASK_QUEUE;
    // Warm-up (first workflow task, connections), then an empty cache for the measured workload.
    const warm = await prepareEvalWorkload(activities, stack.db, task, `${id}-warmup`, count, adjust);
    await evaluateViaTemporal(stack.client, queue, warm, cleanup);
    await clearResponseCache(stack.db);

    const workload = await prepareEvalWorkload(activities, stack.db, task, id, candidates, adjust);
    const before = await server.received();
    const { ms, workflowId } = await evaluateViaTemporal(stack.client, queue, workload, cleanup);
    const calls = (await server.received()) - before;
    const hits = await cachedEvaluations(stack.db, id);
    const history = await historyStats(stack.client, workflowId);
    const perWorker = [...history.activitiesByWorker.values()];
    while (perWorker.length < count) perWorker.push(0);
    const throughput = evaluationCount(workload) / (ms / 1000);
    base ??= throughput;
    const ceiling = (count * maxConcurrency * 1000) / Math.max(1, latency);
    return [
      count,
      evaluationCount(workload),
      calls,
      hits,
      seconds(ms),
      fixed(throughput),
      fixed(throughput / base, 2),
      fixed(ceiling),
      `${fixed((throughput / ceiling) * 100, 0)}%`,
      perWorker.sort((a, b) => b - a).join(' / '),
    ];
  });
  rows.push(row);
}
console.log(
  markdownTable(
    [
      'workers',
      'evaluations',
      'model calls',
      'cache hits',
      'wall s',
      'evaluations/s',
      `speed-up vs ${workerCounts[0]}`,
      'ceiling evals/s',
      'of ceiling',
      'activities per worker',
    ],
    rows,
  ),
);
