// Rate limits at the provider's quota, with faults: the simulated backend enforces 600 requests/minute
// with ~200 ms latency, fails 5% of requests with 500/503 and throttles in injected bursts of 429s
// (Retry-After); three worker processes share one cluster-wide limit, used by --runs concurrent runs
// (a team's optimizations sharing one provider key). Prints the sustained rate as a fraction of the
// limit outside the injected pauses, the share of 429s that were not injected (the client's own
// overshoot), and the worst 60-second window relative to the limit.
// Usage: npm run bench:rate-limit -- [--seconds 240] [--workers 3] [--runs 3] [--rpm 600]
//          [--server-error-rate 0.05] [--burst-rate 0.005] [--burst-length 5] [--retry-after 1]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PromptevoClient } from '../client/api.js';
import { loadTaskFile } from '../client/task-file.js';
import { parseModelServerConfig } from '../model-server/base/config.js';
import { startModelServer } from '../model-server/server/server.js';
import { paidAttemptsByOutcome } from '../storage/ledger.js';
import { openBenchStack, startWorkers, stopWorkers } from '../infra/harness.js';
import { injectedPauses, rateFigures } from './rate-figures.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '240' },
    workers: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    rpm: { type: 'string', default: '600' },
    'server-error-rate': { type: 'string', default: '0.05' },
    'burst-rate': { type: 'string', default: '0.005' },
    'burst-length': { type: 'string', default: '5' },
    'retry-after': { type: 'string', default: '1' },
    /** Writes the model server's request log here (JSON), to look at where the rate dips. */
    records: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const workerCount = Number(values.workers);
const runCount = Number(values.runs);
const rpm = Number(values.rpm);
const faults = {
  serverErrorRate: Number(values['server-error-rate']),
  throttleBurstRate: Number(values['burst-rate']),
  throttleBurstLength: Number(values['burst-length']),
  throttleRetryAfterSeconds: Number(values['retry-after']),
};
const WARMUP_MS = 15_000;

const server = await startModelServer(
  parseModelServerConfig({
    seed: 1,
    models: {
      'sim-large': {
        backend: { type: 'simulated', size: 'large' },
        latency: { meanMs: 200, jitterMs: 40 },
        limits: { rpm },
        faults,
      },
    },
  }),
  { port: 0 },
);
const stack = await openBenchStack('ratelimit');
const workers = await startWorkers(stack.config, workerCount);

const task = loadTaskFile('examples/ticket-routing/task.yaml');
const client = new PromptevoClient(stack.client, stack.config);
const stamp = Date.now();
const runIds = Array.from({ length: runCount }, (_, i) => `bench-ratelimit-${stamp}-${i}`);
for (const [i, runId] of runIds.entries()) {
  await client
    .startTask(task, {
      runId,
      adjust: (spec) => ({
        ...spec,
        models: {
          'sim-large': {
            ...spec.models['sim-large']!,
            baseUrl: `${server.url}/v1`,
            rpm,
            maxConcurrency: 8,
            maxRetries: 8,
          },
        },
        roles: { meta: 'sim-large', dev: 'sim-large', production: ['sim-large'] },
        // Enough generations to outlast the window; each run its own search seed.
        search: { ...spec.search, populationSize: 16, generations: 1000, seed: i + 1 },
        distill: undefined,
      }),
    })
    .catch(async (err: unknown) => {
      await stopWorkers(workers);
      throw err;
    });
}
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const stillRunning = await Promise.all(
  runIds.map((id) =>
    client
      .run(id)
      .terminate('benchmark window over')
      .then(() => true)
      .catch(() => false),
  ),
);
await stopWorkers(workers);

const records = server.stats.requests('sim-large');
if (values.records) writeFileSync(values.records, JSON.stringify(records));
const figures = rateFigures(records, {
  rpm,
  warmupMs: WARMUP_MS,
  pauses: injectedPauses(records, faults.throttleRetryAfterSeconds * 1000),
});
// Paid attempts only: the runs share the response cache, and a cache hit is booked but not sent.
const ledger = await paidAttemptsByOutcome(stack.db, runIds);

const rows: [string, string][] = [
  ['limit (requests/minute)', String(rpm)],
  ['worker processes', String(workerCount)],
  ['concurrent runs (still running at the end)', `${runCount} (${stillRunning.filter(Boolean).length})`],
  [
    'injected faults',
    `${(faults.serverErrorRate * 100).toFixed(1)}% 5xx; 429 bursts of ${faults.throttleBurstLength} at ${faults.throttleBurstRate} per request, Retry-After ${faults.throttleRetryAfterSeconds} s`,
  ],
  ['measured span (s, after 15 s warm-up)', (figures.spanMs / 1000).toFixed(1)],
  ['injected pauses (count, s)', `${figures.pauseCount}, ${(figures.pausedMs / 1000).toFixed(1)}`],
  ['requests received', String(records.length)],
  ['by status', JSON.stringify(figures.byStatus)],
  ['paid ledger rows by outcome', ledger.map((r) => `${r.outcome} ${r.attempts}`).join(', ')],
  ['sustained rate / limit outside pauses', figures.sustainedOutsidePauses.toFixed(3)],
  ['429s not injected (share of requests)', `${(figures.uninjected429Share * 100).toFixed(2)}%`],
  ['worst 60 s window / limit', figures.worstWindow.toFixed(3)],
];
console.log(`rate-limit benchmark (${new Date().toISOString()})`);
for (const [name, value] of rows) console.log(`  ${name.padEnd(40)} ${value}`);

await stack.close();
await server.close();
