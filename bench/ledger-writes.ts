// The call ledger's write path alone: `bookings` paid answers (ledger row, run totals and response
// cache row, as the model gateway books them) made `concurrency` at a time, (a) one statement per
// booking sent at once, as before group commit, and (b) grouped (`LedgerWriter`'s defaults: a
// booking made while two statements are in flight waits, with the others made meanwhile, for the
// next one). Arms alternate on one schema, each on a run of its own; the median of the repeats is
// reported.
// Usage: npm run bench:ledger -- [--bookings 4000] [--concurrency 8] [--repeats 5]
import { parseArgs } from 'node:util';
import { mapBounded } from '../activities/concurrency.js';
import { canonicalJson, sha256Hex } from '../core/hash.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { LEDGER_ROWS_PER_STATEMENT, LEDGER_STATEMENTS_IN_FLIGHT, LedgerWriter, ledgerRows } from '../storage/ledger.js';
import { insertRun } from '../storage/runs.js';
import { withCleanup } from './cleanup.js';
import { cpuSeconds, cpuSecondsOfCommand, machineBusySeconds } from './memory.js';
import { fixed, intFlag, markdownTable, median, printHeader } from './report.js';
import { openBenchStack } from '../infra/harness.js';

const { values } = parseArgs({
  options: {
    bookings: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '8' },
    repeats: { type: 'string', default: '5' },
  },
});
const bookings = intFlag(values, 'bookings');
const concurrency = intFlag(values, 'concurrency');
const repeats = intFlag(values, 'repeats');

type Arm = 'single' | 'grouped';
interface ArmResult {
  ms: number;
  /** CPU ms per booking: this process, PostgreSQL, the whole machine. */
  cpu: number;
  postgres: number;
  machine: number;
}

/** A request and answer the size of a classification prompt's. */
function cacheEntry(i: number, runId: string): { key: string; request: string; response: string } {
  const request = canonicalJson({
    model: 'sim-large',
    messages: [
      { role: 'system', content: `Route the support ticket to one team. ${'Rules and demos. '.repeat(40)}` },
      { role: 'user', content: `ticket ${i} of ${runId}: my card was charged twice for one order` },
    ],
    temperature: 0,
  });
  return {
    key: sha256Hex(request),
    request,
    response: JSON.stringify({ content: '{"label":"billing"}', latencyMs: 0 }),
  };
}

await withCleanup(async (cleanup) => {
  const stack = await openBenchStack('ledger');
  cleanup.add('drop schema', () => stack.close());
  const { db } = stack;
  printHeader('Call ledger writes', {
    bookings,
    concurrency,
    repeats,
    'rows per statement at most (grouped)': LEDGER_ROWS_PER_STATEMENT,
    'statements in flight at most (grouped)': LEDGER_STATEMENTS_IN_FLIGHT,
  });

  async function runArm(arm: Arm, repeat: number): Promise<ArmResult> {
    const runId = `ledger-${arm}-${repeat}-${Date.now()}`;
    await insertRun(db, { runId, taskName: 'ledger', taskFile: '-', datasetPath: '-', spec: {} as TaskSpec, seed: 0 });
    // (a): a statement per booking, as many in flight as bookings are made at once.
    const writer = new LedgerWriter(db, arm === 'single' ? { maxRows: 1, inFlight: concurrency } : {});
    const entries = Array.from({ length: bookings }, (_, i) => cacheEntry(i, runId));
    const before = {
      cpu: cpuSeconds(process.pid),
      postgres: cpuSecondsOfCommand('postgres'),
      machine: machineBusySeconds(),
    };
    const started = performance.now();
    await mapBounded(entries, concurrency, (e) =>
      writer.attempt(
        {
          runId,
          requestKey: e.key,
          generation: 0,
          modelName: 'dev',
          purpose: 'validate',
          outcome: 'answered',
          promptTokens: 250,
          completionTokens: 8,
          costUsd: 0.0001,
        },
        { model: 'sim-large', request: e.request, response: e.response },
      ),
    );
    const ms = performance.now() - started;
    const per = (s: number): number => (s * 1000) / bookings;
    const result = {
      ms,
      cpu: per(cpuSeconds(process.pid) - before.cpu),
      postgres: per(cpuSecondsOfCommand('postgres') - before.postgres),
      machine: per(machineBusySeconds() - before.machine),
    };
    const stored = await ledgerRows(db, runId);
    if (stored.paid !== bookings) throw new Error(`${arm}: ${stored.paid} ledger rows stored, expected ${bookings}`);
    return result;
  }

  // A warm-up of each arm, then alternating repeats.
  await runArm('single', 0);
  await runArm('grouped', 0);
  const results: Record<Arm, ArmResult[]> = { single: [], grouped: [] };
  for (let r = 1; r <= repeats; r++) {
    for (const arm of r % 2 === 1 ? (['single', 'grouped'] as const) : (['grouped', 'single'] as const)) {
      results[arm].push(await runArm(arm, r));
    }
  }
  const rate = (r: ArmResult): number => bookings / (r.ms / 1000);
  const row = (arm: Arm, label: string): (string | number)[] => {
    const rs = results[arm];
    return [
      label,
      fixed(median(rs.map(rate)), 0),
      `${fixed(Math.min(...rs.map(rate)), 0)}–${fixed(Math.max(...rs.map(rate)), 0)}`,
      fixed(median(rs.map((r) => r.cpu)), 3),
      fixed(median(rs.map((r) => r.postgres)), 3),
      fixed(median(rs.map((r) => r.machine)), 3),
    ];
  };
  console.log(
    markdownTable(
      [
        'path',
        'median bookings/s',
        'range bookings/s',
        'CPU ms per booking (this process)',
        'PostgreSQL CPU ms per booking',
        'whole machine CPU ms per booking',
      ],
      [row('single', '(a) a statement per booking'), row('grouped', '(b) grouped (group commit)')],
    ),
  );
  const ratio = median(results.grouped.map(rate)) / median(results.single.map(rate));
  const machine = median(results.grouped.map((r) => r.machine)) / median(results.single.map((r) => r.machine));
  console.log(`\nbookings/s (b)/(a): ${fixed(ratio, 2)}; whole-machine CPU per booking (b)/(a): ${fixed(machine, 2)}`);
});
