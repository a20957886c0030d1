import type { Example } from '../core/data/example.js';
import type { Db } from '../platform/db.js';
import type { SplitName } from './examples.js';
import type { NewRun } from './runs.js';

/**
 * A gated promotion's own rows in the run tables: its `runs` row (kind 'promotion', id = the
 * workflow id), so the gateway, the rate limiter and the ledger book its model calls under it,
 * the promotion set as that run's test examples, and the two versions' scores read back.
 */

/**
 * Records the promotion's run row; recording it again (a retried activity) changes nothing.
 * Returns the kind of the row now under that id: anything but 'promotion' means the id was
 * already taken by an optimization run.
 */
export async function insertPromotionRun(db: Db, run: NewRun): Promise<string> {
  await db.query(
    `INSERT INTO runs (id, task_name, task_file, dataset_path, spec, seed, kind)
     VALUES ($1, $2, $3, $4, $5, $6, 'promotion') ON CONFLICT (id) DO NOTHING`,
    [run.runId, run.taskName, run.taskFile, run.datasetPath, JSON.stringify(run.spec), run.seed],
  );
  const { rows } = await db.query<{ kind: string }>('SELECT kind FROM runs WHERE id = $1', [run.runId]);
  return rows[0]!.kind;
}

/** A run's examples of one split, in the order the split was drawn; empty when the run is gone. */
export async function splitExamples(db: Db, runId: string, split: SplitName): Promise<Example[]> {
  const { rows } = await db.query<{
    example_id: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  }>('SELECT example_id, inputs, outputs FROM examples WHERE run_id = $1 AND split = $2 ORDER BY ordinal', [
    runId,
    split,
  ]);
  return rows.map((r) => ({ id: r.example_id, inputs: r.inputs, outputs: r.outputs }));
}

/** Whether a run row exists under the id. */
export async function runExists(db: Db, runId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM runs WHERE id = $1', [runId]);
  return (rowCount ?? 0) > 0;
}

/**
 * A program's score on every test example of a run, in split order (null where it has none), as
 * the evaluation activity stored them under `model` (the evaluation label).
 */
export async function testScores(
  db: Db,
  runId: string,
  hash: string,
  model: string,
): Promise<{ exampleId: string; score: number | null }[]> {
  const { rows } = await db.query<{ example_id: string; score: number | null }>(
    `SELECT e.example_id, v.score
       FROM examples e
       LEFT JOIN evaluations v
         ON v.run_id = e.run_id AND v.example_id = e.example_id AND v.candidate_hash = $2 AND v.model = $3
      WHERE e.run_id = $1 AND e.split = 'test'
      ORDER BY e.ordinal`,
    [runId, hash, model],
  );
  return rows.map((r) => ({ exampleId: r.example_id, score: r.score }));
}
