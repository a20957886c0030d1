// Resume cost: the example optimization (ticket-routing, fixed seed) run twice, each against its own
// model server and schema (empty cache): once uninterrupted, once with its worker process killed
// (SIGKILL) at K random points and a new worker started each time. Prints the model calls each model
// server actually received, their ratio, and whether both runs end with the same best genome; and, per
// kill, how long until the new worker completed its first activity and the killed worker's activities
// (retried once their heartbeat timeout passed), read from the run's workflow histories.
// Kill points are drawn (seeded) between 5% and 95% of the uninterrupted run's model calls.
// Usage: npm run bench:resume -- [--kills 5] [--seed 1] [--latency 20] [--generations 6] [--population 8]
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { loadTaskFile } from '../client/task-file.js';
import { Rng } from '../core/rng.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { withCleanup } from './cleanup.js';
import { latestBookedGeneration, ledgerRows } from '../storage/ledger.js';
import { intFlag, markdownTable, printHeader, seconds } from './report.js';
import { openSession, startRun, type Session } from './session.js';
import { pointAt } from '../infra/harness.js';
import {
  ACTIVITY_HEARTBEAT_TIMEOUT_MS,
  distillRoundWorkflowId,
  distillWorkflowId,
  generationWorkflowId,
  runWorkflowId,
  type RunResult,
} from '../contracts/index.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    latency: { type: 'string', default: '20' },
    generations: { type: 'string', default: '6' },
    population: { type: 'string', default: '8' },
    workers: { type: 'string', default: '1' },
  },
});
const kills = intFlag(values, 'kills', 0);
const killSeed = intFlag(values, 'seed', 0);
const latency = intFlag(values, 'latency', 0);
const generations = intFlag(values, 'generations');
const population = intFlag(values, 'population', 2);
const workerCount = intFlag(values, 'workers', 1);

const task = loadTaskFile('examples/ticket-routing/task.yaml');
printHeader('Resume cost after worker crashes', {
  task: 'examples/ticket-routing/task.yaml',
  'run seed': task.spec.search.seed,
  generations,
  population,
  'latency ms': latency,
  kills,
  'kill-point seed': killSeed,
  'worker processes': workerCount,
});

interface Outcome {
  result: RunResult;
  received: number;
  paid: number;
  /** Ledger rows, paid or answered from the cache: one per distinct request of the run. */
  ledger: number;
  ms: number;
  killedAt: string[];
  kills: Kill[];
  completions: Completion[];
}

interface Kill {
  /** Wall clock (ms) right after the worker process was gone. */
  at: number;
  /** Requests the model server received that the killed worker never booked as paid: asked again by the retries. */
  inFlight: number;
  /** Worker identities (`pid@host`, as the worker reports itself to Temporal). */
  killed: string;
  replacement: string;
  /** When the replacement worker polled its task queue. */
  readyAt: number;
}

/** One activity as its workflow history tells it: who ran the attempt that finished, which attempt, when. */
interface Completion {
  identity: string;
  attempt: number;
  completedAt: number;
  /** Why the attempt before it ended (attempt 2 or later). */
  retryCause?: string;
}

async function ledger(session: Session, runId: string): Promise<{ paid: number; ledger: number }> {
  const { paid, total } = await ledgerRows(session.stack.db, runId);
  return { paid, ledger: total };
}

/** One run on a fresh session; kills its worker whenever the server's call count passes a kill point. */
function runOnce(name: string, killPoints: number[]): Promise<Outcome> {
  return withCleanup(async (cleanup) => {
    const session = await openSession(cleanup, {
      name,
      latencyMs: latency,
      jitterMs: latency / 4,
      workers: workerCount,
    });
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
    const kills: Kill[] = [];
    for (const point of killPoints) {
      while (!finished && (await session.server.received()) < point) await new Promise((r) => setTimeout(r, 20));
      if (finished) break;
      // The oldest worker process still alive, one this benchmark started (its own child).
      const victim = session.workers.find((w) => w.child.exitCode === null && w.child.signalCode === null)!;
      await victim.kill('SIGKILL');
      const killTime = Date.now();
      const at = await session.server.received();
      const { paid } = await ledgerRows(session.stack.db, runId);
      killedAt.push(`${at} calls (generation ${await latestBookedGeneration(session.stack.db, runId)})`);
      const replacement = await session.addWorker();
      kills.push({
        at: killTime,
        inFlight: at - paid,
        killed: identityOf(victim.child.pid),
        replacement: identityOf(replacement.child.pid),
        readyAt: Date.now(),
      });
    }
    const outcome = await result;
    return {
      result: outcome,
      received: await session.server.received(),
      ...(await ledger(session, runId)),
      ms: performance.now() - started,
      killedAt,
      kills,
      completions: await activityCompletions(session.stack.client, runId),
    };
  });
}

/** How a worker process names itself to Temporal (`worker/create-worker.ts`). */
function identityOf(pid: number | undefined): string {
  return `${pid}@${hostname()}`;
}

/** Temporal's TimeoutType enum, by number. */
const TIMEOUT_TYPES = ['unspecified', 'start-to-close', 'schedule-to-start', 'schedule-to-close', 'heartbeat'];

/** Every completed activity of a run: its workflow, generations, distillation and distillation rounds. */
async function activityCompletions(client: Client, runId: string): Promise<Completion[]> {
  const ids = [runWorkflowId(runId), distillWorkflowId(runId)];
  for (let g = 0; g <= generations; g++) ids.push(generationWorkflowId(runId, g));
  for (let r = 0; r < 20; r++) ids.push(distillRoundWorkflowId(runId, r));
  const out: Completion[] = [];
  for (const id of ids) {
    let events;
    try {
      events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    } catch {
      continue; // no such workflow in this run
    }
    const started = new Map<string, Omit<Completion, 'completedAt'>>();
    for (const e of events) {
      const s = e.activityTaskStartedEventAttributes;
      if (s) {
        const cause = s.lastFailure?.timeoutFailureInfo
          ? `${TIMEOUT_TYPES[Number(s.lastFailure.timeoutFailureInfo.timeoutType)] ?? 'other'} timeout`
          : s.lastFailure?.message;
        started.set(String(e.eventId), {
          identity: s.identity ?? '',
          attempt: s.attempt ?? 1,
          ...(cause ? { retryCause: String(cause).slice(0, 80) } : {}),
        });
      }
      const c = e.activityTaskCompletedEventAttributes;
      const by = c ? started.get(String(c.startedEventId)) : undefined;
      if (by && e.eventTime) {
        out.push({ ...by, completedAt: Number(e.eventTime.seconds) * 1000 + (e.eventTime.nanos ?? 0) / 1e6 });
      }
    }
  }
  return out.sort((a, b) => a.completedAt - b.completedAt);
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

// Per kill, in seconds after it and before the next kill: the first activity another worker completed,
// and the killed worker's activities (retried after a heartbeat timeout) completed. With one worker
// process, "another worker" is the replacement, so its start-up counts too.
const bound = ACTIVITY_HEARTBEAT_TIMEOUT_MS / 1000 + 2;
const after = (k: Kill, t: number): string => ((t - k.at) / 1000).toFixed(1);
const perKill = killed.kills.map((k, i) => {
  const until = killed.kills[i + 1]?.at ?? Number.POSITIVE_INFINITY;
  const next = killed.completions.filter((c) => c.completedAt > k.at && c.completedAt <= until);
  const first = next.find((c) => c.identity !== k.killed);
  // The killed worker's activities: retried because their heartbeat stopped.
  const retried = next.filter((c) => c.attempt > 1 && c.retryCause === 'heartbeat timeout');
  return { k, i, first, retried, lastRetry: retried.at(-1) };
});
console.log();
console.log(
  markdownTable(
    [
      'kill',
      workerCount > 1 ? 'calls in flight (all workers)' : 'calls in flight',
      'new worker ready s',
      'first activity completed by another worker s',
      'retried activities',
      'first / last retried activity completed s',
      `within heartbeat timeout + 2 s (${bound} s)`,
    ],
    perKill.map(({ k, i, first, retried, lastRetry }) => [
      i + 1,
      k.inFlight,
      after(k, k.readyAt),
      first ? after(k, first.completedAt) : 'none',
      retried.length,
      lastRetry ? `${after(k, retried[0]!.completedAt)} / ${after(k, lastRetry.completedAt)}` : 'none',
      first
        ? (first.completedAt - k.at) / 1000 <= bound
          ? 'yes'
          : 'NO'
        : i + 1 < killed.kills.length
          ? 'killed again first'
          : 'NO',
    ]),
  ),
);
const inFlight = killed.kills.reduce((n, k) => n + k.inFlight, 0);
const extra = killed.received - clean.received;
console.log();
console.log(`- heartbeat timeout: ${ACTIVITY_HEARTBEAT_TIMEOUT_MS / 1000} s`);
const causes = (o: Outcome): string => {
  const counts = new Map<string, number>();
  for (const c of o.completions) {
    if (c.attempt > 1) counts.set(c.retryCause ?? 'unknown', (counts.get(c.retryCause ?? 'unknown') ?? 0) + 1);
  }
  return [...counts].map(([cause, n]) => `${n} × ${cause}`).join(', ') || 'none';
};
console.log(
  `- activities completed on a second or later attempt, by what ended the attempt before: ` +
    `uninterrupted ${causes(clean)}; killed ${causes(killed)}`,
);
console.log(
  `- extra calls ${extra} against ${inFlight} in flight at the kills (sum over ${killed.kills.length} kills): ` +
    `${extra <= inFlight ? 'within' : 'ABOVE'} the bound`,
);
