// Resume cost: the example optimization (ticket-routing, fixed seed) run twice, each against its own
// model server and schema (empty cache): once uninterrupted, once with its worker process killed
// (SIGKILL) at K random points and a new worker started each time. Prints the model calls each model
// server actually received, their ratio, and whether both runs end with the same best genome.
// Kill points are drawn (seeded) between 5% and 95% of the uninterrupted run's model calls.
// Usage: npm run bench:resume -- [--kills 5] [--seed 1] [--latency 20] [--generations 6] [--population 8]
import { parseArgs } from 'node:util';
import { loadTaskFile } from '../client/task-file.js';
import { Rng } from '../core/rng.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { withCleanup } from './cleanup.js';
import { latestBookedGeneration, ledgerRows } from '../storage/ledger.js';
import { intFlag, markdownTable, printHeader, seconds } from './report.js';
import { openSession, startRun, type Session } from './session.js';
import { pointAt } from '../infra/harness.js';
import type { RunResult } from '../contracts/index.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    latency: { type: 'string', default: '20' },
    generations: { type: 'string', default: '6' },
    population: { type: 'string', default: '8' },
  },
});
const kills = intFlag(values, 'kills', 0);
const killSeed = intFlag(values, 'seed', 0);
const latency = intFlag(values, 'latency', 0);
const generations = intFlag(values, 'generations');
const population = intFlag(values, 'population', 2);

const task = loadTaskFile('examples/ticket-routing/task.yaml');
printHeader('Resume cost after worker crashes', {
  task: 'examples/ticket-routing/task.yaml',
  'run seed': task.spec.search.seed,
  generations,
  population,
  'latency ms': latency,
  kills,
  'kill-point seed': killSeed,
});

interface Outcome {
  result: RunResult;
  received: number;
  paid: number;
  /** Ledger rows, paid or answered from the cache: one per distinct request of the run. */
  ledger: number;
  ms: number;
  killedAt: string[];
}

async function ledger(session: Session, runId: string): Promise<{ paid: number; ledger: number }> {
  const { paid, total } = await ledgerRows(session.stack.db, runId);
  return { paid, ledger: total };
}

/** One run on a fresh session; kills its worker whenever the server's call count passes a kill point. */
function runOnce(name: string, killPoints: number[]): Promise<Outcome> {
  return withCleanup(async (cleanup) => {
    const session = await openSession(cleanup, { name, latencyMs: latency, jitterMs: latency / 4, workers: 1 });
    const adjust = (spec: TaskSpec): TaskSpec => ({
      ...pointAt(session.server)(spec),
      search: { ...spec.search, generations, populationSize: population },
    });
    const runId = `${name}-${Date.now()}`;
    const { result, started } = await startRun(session, cleanup, task, runId, adjust);
    let finished = false;
    result.then(
      () => (finished = true),
      () => (finished = true),
    );
    const killedAt: string[] = [];
    for (const point of killPoints) {
      while (!finished && (await session.server.received()) < point) await new Promise((r) => setTimeout(r, 20));
      if (finished) break;
      await session.workers.at(-1)!.kill('SIGKILL');
      const at = await session.server.received();
      killedAt.push(`${at} calls (generation ${await latestBookedGeneration(session.stack.db, runId)})`);
      await session.addWorker();
    }
    const outcome = await result;
    return {
      result: outcome,
      received: await session.server.received(),
      ...(await ledger(session, runId)),
      ms: performance.now() - started,
      killedAt,
    };
  });
}

const clean = await runOnce('resume_clean', []);
const rng = Rng.fromSeed(`kill-points:${killSeed}`);
const points = Array.from({ length: kills }, () => Math.round(clean.received * (0.05 + 0.9 * rng.float()))).sort(
  (a, b) => a - b,
);
const killed = await runOnce('resume_killed', points);

const row = (label: string, o: Outcome): (string | number)[] => [
  label,
  o.killedAt.length,
  o.received,
  o.paid,
  o.ledger,
  seconds(o.ms),
  o.result.status,
  o.result.best.hash.slice(0, 16),
  o.result.best.val?.toFixed(4) ?? 'n/a',
  o.result.best.test?.toFixed(4) ?? 'n/a',
];
console.log(
  markdownTable(
    [
      'run',
      'worker kills',
      'model calls received',
      'paid calls in ledger',
      'ledger rows',
      'wall s',
      'status',
      'best genome',
      'best val',
      'best test',
    ],
    [row('uninterrupted', clean), row('killed and restarted', killed)],
  ),
);
console.log();
console.log(
  `- kill points drawn: ${points.join(', ')} calls; kills happened at: ${killed.killedAt.join('; ') || 'none'}`,
);
console.log(
  `- model calls received, killed / uninterrupted: ${(killed.received / clean.received).toFixed(4)} ` +
    `(${killed.received - clean.received >= 0 ? '+' : ''}${killed.received - clean.received} calls)`,
);
console.log(`- identical best genome hash: ${killed.result.best.hash === clean.result.best.hash ? 'yes' : 'NO'}`);
