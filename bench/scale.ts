// Scale: one real optimization run with a large population and validation split on the 0 ms
// simulated backend. Prints peak worker memory (RSS, sampled from /proc), the largest workflow
// histories (events and bytes) of the run and its generation children, and evaluations/second.
// Usage: npm run bench:scale -- [--population 64] [--val 500] [--generations 10] [--workers 2]
//        [--train 100] [--test 100] [--latency 0]
// Quick check: npm run bench:scale -- --population 8 --val 50 --generations 2
import { parseArgs } from 'node:util';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { withCleanup } from './cleanup.js';
import { taskOnGeneratedData } from './datasets.js';
import { spendQueryMs } from './spend-read.js';
import { runHistories } from './history.js';
import { RssSampler, rssMiB } from './memory.js';
import { countEvaluations } from '../storage/evaluations.js';
import { generationTimings } from '../storage/generations.js';
import { ledgerRows } from '../storage/ledger.js';
import { fixed, intFlag, markdownTable, printHeader, seconds } from './report.js';
import { openSession, startRun } from './session.js';
import { pointAt } from '../infra/harness.js';

const { values } = parseArgs({
  options: {
    population: { type: 'string', default: '64' },
    val: { type: 'string', default: '500' },
    generations: { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    train: { type: 'string', default: '100' },
    test: { type: 'string', default: '100' },
    latency: { type: 'string', default: '0' },
  },
});
const population = intFlag(values, 'population', 2);
const val = intFlag(values, 'val');
const generations = intFlag(values, 'generations');
const workerCount = intFlag(values, 'workers');
const train = intFlag(values, 'train');
const test = intFlag(values, 'test');
const latency = intFlag(values, 'latency', 0);

printHeader('Scale: one large run', {
  task: 'ticket-routing on a generated dataset',
  population,
  'validation examples': val,
  'train/test examples': `${train}/${test}`,
  generations,
  'worker processes': workerCount,
  'latency ms': latency,
});

await withCleanup(async (cleanup) => {
  const task = await taskOnGeneratedData('examples/ticket-routing/task.yaml', 'ticket-routing', { train, val, test });
  const session = await openSession(cleanup, { name: 'scale', latencyMs: latency, workers: workerCount });
  const pids = session.workers.flatMap((w) => (w.child.pid ? [w.child.pid] : []));
  const atStart = pids.map(rssMiB);
  const rss = new RssSampler(() => pids);
  const adjust = (spec: TaskSpec): TaskSpec => ({
    ...pointAt(session.server)(spec),
    search: { ...spec.search, populationSize: population, generations },
  });
  const runId = `scale-${Date.now()}`;
  const { result, started } = await startRun(session, cleanup, task, runId, adjust);
  const outcome = await result;
  const ms = performance.now() - started;
  const memory = rss.stop();
  const db = session.stack.db;
  const evaluations = (await countEvaluations(db, runId)).total;
  const ledgerCalls = (await ledgerRows(db, runId)).total;
  const received = await session.server.received();
  const histories = await runHistories(session.stack.client, runId, outcome.generations);
  const timings = await generationTimings(db, runId);
  const spendMs = await spendQueryMs(db, runId);

  console.log(
    markdownTable(
      ['status', 'generations', 'wall s', 'evaluations', 'evaluations/s', 'model calls received', 'model calls/s'],
      [
        [
          outcome.status,
          outcome.generations,
          seconds(ms),
          evaluations,
          fixed(evaluations / (ms / 1000)),
          received,
          fixed(received / (ms / 1000)),
        ],
      ],
    ),
  );
  console.log();
  const list = (values: number[]): string => values.map((m) => fixed(m, 0)).join(' / ');
  console.log(
    markdownTable(
      [
        'worker RSS when ready (MiB)',
        'peak RSS during the run (MiB)',
        'peak sum (MiB)',
        'VmHWM incl. start-up (MiB)',
        'samples',
      ],
      [
        [
          list(atStart),
          list(pids.map((p) => memory.sampledPeakMiB.get(p) ?? 0)),
          fixed(memory.peakTotalMiB, 0),
          list(pids.map((p) => memory.lifetimePeakMiB.get(p) ?? 0)),
          memory.samples,
        ],
      ],
    ),
  );
  console.log();
  const byBytes = [...histories].sort((a, b) => b.bytes - a.bytes);
  const totalEvents = histories.reduce((n, h) => n + h.events, 0);
  const totalBytes = histories.reduce((n, h) => n + h.bytes, 0);
  const kib = (bytes: number): string => fixed(bytes / 1024, 0);
  console.log(
    markdownTable(
      ['workflow history', 'events', 'KiB', 'activities', 'largest payload KiB (where)'],
      [
        ...byBytes
          .slice(0, 4)
          .map((h) => [
            h.workflowId,
            h.events,
            kib(h.bytes),
            [...h.activities.values()].reduce((a, b) => a + b, 0),
            `${kib(h.largestPayloadBytes)} (${h.largestPayloadAt})`,
          ]),
        [`all ${histories.length} executions`, totalEvents, kib(totalBytes), '', ''],
      ],
    ),
  );
  const largest = [...histories].sort((a, b) => b.largestPayloadBytes - a.largestPayloadBytes)[0];
  if (largest)
    console.log(
      `largest payload of the run: ${kib(largest.largestPayloadBytes)} KiB, ${largest.workflowId} ${largest.largestPayloadAt}; most activities pending in one workflow: ${Math.max(...histories.map((h) => h.maxPending))}`,
    );
  console.log();
  console.log(
    markdownTable(
      ['generation', 'seconds', 'evaluation calls', 'proposal calls', 'evaluation calls/s'],
      timings.map((t) => [
        t.generation,
        fixed(t.seconds),
        t.evaluationCalls,
        t.proposalCalls,
        fixed(t.evaluationCalls / Math.max(0.001, t.seconds)),
      ]),
    ),
  );
  const mostEvents = [...histories].sort((a, b) => b.events - a.events)[0];
  console.log();
  console.log(
    `- largest history by events: ${mostEvents?.workflowId} (${mostEvents?.events} events); ` +
      `by bytes: ${byBytes[0]?.workflowId} (${kib(byBytes[0]?.bytes ?? 0)} KiB). ` +
      `Temporal's limits: 51,200 events and 50 MiB per history (warnings from 10,240 events / 10 MiB).`,
  );
  console.log(
    `- reading the run's spend total (once per activity) at the end of the run: ${fixed(spendMs.runningTotals)} ms ` +
      `from the running totals (run_spend), against ${fixed(spendMs.ledgerSum)} ms for a sum over the ` +
      `${ledgerCalls} model calls in the ledger.`,
  );
});
