// What reading a run's spend costs at the run's final size, the way workers read it and the way
// a sum over the ledger would.
import type { Db } from '../platform/db.js';
import { readRunSpend, sumLedgerSpend } from '../storage/spend.js';

/**
 * Median of 5 reads of the run's spend total, two ways: what every activity reads (the running
 * totals in run_spend) and a sum over the whole call ledger, which grows with the run.
 */
export async function spendQueryMs(db: Db, runId: string): Promise<{ runningTotals: number; ledgerSum: number }> {
  const median = async (read: () => Promise<unknown>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await read();
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[2]!;
  };
  return {
    runningTotals: await median(() => readRunSpend(db, runId)),
    ledgerSum: await median(() => sumLedgerSpend(db, runId)),
  };
}
