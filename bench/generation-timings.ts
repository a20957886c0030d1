// Per-generation pace of a finished run, from what PostgreSQL recorded: when each generation
// finished, and the model calls (evaluations and proposals) made for it.
import { RunStore } from '../activities/run-store.js';
import type { Db } from '../platform/db.js';

export interface GenerationTiming {
  generation: number;
  seconds: number;
  evaluationCalls: number;
  proposalCalls: number;
}

export async function generationTimings(db: Db, runId: string): Promise<GenerationTiming[]> {
  const { rows } = await db.query<{ generation: number; seconds: number; evaluations: string; proposals: string }>(
    `SELECT g.generation,
            extract(epoch FROM g.finished_at - coalesce(lag(g.finished_at) OVER (ORDER BY g.generation), r.created_at))::float8 AS seconds,
            (SELECT count(*) FROM model_calls c WHERE c.run_id = g.run_id AND c.generation = g.generation
                AND c.purpose IN ('screen', 'validate')) AS evaluations,
            (SELECT count(*) FROM model_calls c WHERE c.run_id = g.run_id AND c.generation = g.generation
                AND c.purpose LIKE 'propose:%') AS proposals
       FROM generations g JOIN runs r ON r.id = g.run_id
      WHERE g.run_id = $1 ORDER BY g.generation`,
    [runId],
  );
  return rows.map((r) => ({
    generation: r.generation,
    seconds: r.seconds,
    evaluationCalls: Number(r.evaluations),
    proposalCalls: Number(r.proposals),
  }));
}

/**
 * Milliseconds the run's spend total takes to read at the run's final size: the query every
 * activity makes once (RunStore.spend), timed here as the median of five.
 */
/**
 * Median of 5 reads of the run's spend total, two ways: what every activity reads (the running
 * totals in run_spend, through RunStore) and a sum over the whole call ledger, which grows with
 * the run.
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
  const store = new RunStore(db);
  return {
    runningTotals: await median(() => store.spend(runId)),
    ledgerSum: await median(() =>
      db.query(
        `SELECT count(*) FILTER (WHERE NOT cached), count(*) FILTER (WHERE cached),
                coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE NOT cached), 0), coalesce(sum(cost_usd), 0)
           FROM model_calls WHERE run_id = $1`,
        [runId],
      ),
    ),
  };
}
