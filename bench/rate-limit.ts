// Rate limits at the provider's quota: the simulated backend enforces 600 requests/minute with ~200 ms
// latency; three worker processes share one cluster-wide limit. Prints the sustained rate as a fraction
// of the limit, the share of 429s, and the worst 60-second window relative to the limit.
// Usage: npm run bench:rate-limit -- [--seconds 240] [--workers 3] [--rpm 600]
import { parseArgs } from 'node:util';
import { PromptevoClient } from '../client/api.js';
import { loadTaskFile } from '../client/task-file.js';
import { parseModelServerConfig } from '../infra/model-server/config.js';
import { startModelServer } from '../infra/model-server/server.js';
import { openBenchStack, startWorkers, stopWorkers } from './workers.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '240' },
    workers: { type: 'string', default: '3' },
    rpm: { type: 'string', default: '600' },
  },
});
const seconds = Number(values.seconds);
const workerCount = Number(values.workers);
const rpm = Number(values.rpm);
const WARMUP_MS = 15_000;

const server = await startModelServer(
  parseModelServerConfig({
    seed: 1,
    models: {
      'sim-large': {
        backend: { type: 'simulated', size: 'large' },
        latency: { meanMs: 200, jitterMs: 40 },
        limits: { rpm },
      },
    },
  }),
  { port: 0 },
);
const stack = await openBenchStack('ratelimit');
const workers = await startWorkers(stack.config, workerCount);

const task = loadTaskFile('examples/ticket-routing/task.yaml');
const client = new PromptevoClient(stack.client, stack.config);
const runId = `bench-ratelimit-${Date.now()}`;
await client.startTask(task, {
  runId,
  adjust: (spec) => ({
    ...spec,
    models: { 'sim-large': { ...spec.models['sim-large']!, baseUrl: `${server.url}/v1`, rpm, maxConcurrency: 8 } },
    roles: { ...spec.roles, meta: 'sim-large', dev: 'sim-large', production: ['sim-large'] },
    search: { ...spec.search, populationSize: 16, generations: 50 },
  }),
});
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
await client.run(runId).terminate('benchmark window over');
await stopWorkers(workers);

const records = server.stats.requests('sim-large');
const t0 = (records[0]?.t ?? 0) + WARMUP_MS;
const inWindow = records.filter((r) => r.t >= t0);
const tEnd = inWindow.at(-1)?.t ?? t0;
const accepted = inWindow.filter((r) => r.status !== 429);
const throttled = records.filter((r) => r.status === 429).length;
const sustainedPerMinute = (accepted.length / Math.max(1, tEnd - t0)) * 60_000;
let worstWindow = 0;
const okTimes = records.filter((r) => r.status !== 429).map((r) => r.t);
for (let i = 0, j = 0; i < okTimes.length; i++) {
  while (okTimes[i]! - okTimes[j]! >= 60_000) j++;
  worstWindow = Math.max(worstWindow, i - j + 1);
}

const rows: [string, string][] = [
  ['limit (requests/minute)', String(rpm)],
  ['worker processes', String(workerCount)],
  ['measured span (s, after 15 s warm-up)', ((tEnd - t0) / 1000).toFixed(1)],
  ['requests received', String(records.length)],
  ['sustained rate / limit', (sustainedPerMinute / rpm).toFixed(3)],
  ['429 share', `${((throttled / Math.max(1, records.length)) * 100).toFixed(2)}%`],
  ['worst 60 s window / limit', (worstWindow / rpm).toFixed(3)],
];
console.log(`rate-limit benchmark (${new Date().toISOString()})`);
for (const [name, value] of rows) console.log(`  ${name.padEnd(40)} ${value}`);

await stack.close();
await server.close();
