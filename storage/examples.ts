import type { Example } from '../core/data/example.js';
import type { SplitName } from '../core/data/seed-demos.js';
import type { Db } from '../platform/db.js';

export type { SplitName } from '../core/data/seed-demos.js';

/** Rows per INSERT when storing a dataset. */
const INSERT_BATCH = 500;

export async function countExamples(db: Db, runId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM examples WHERE run_id = $1', [runId]);
  return Number(rows[0]?.n ?? 0);
}

/** Stores a run's split dataset in one transaction: a run has all its examples or none. */
export async function insertExamples(db: Db, runId: string, split: Record<SplitName, Example[]>): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    for (const name of ['train', 'val', 'test'] as SplitName[]) {
      const rows = split[name];
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        const part = rows.slice(i, i + INSERT_BATCH);
        await client.query(
          `INSERT INTO examples (run_id, example_id, split, ordinal, inputs, outputs)
           SELECT $1, x.id, $2, x.ord, x.inputs, x.outputs
             FROM jsonb_to_recordset($3::jsonb) AS x(id text, ord int, inputs jsonb, outputs jsonb)
           ON CONFLICT DO NOTHING`,
          [
            runId,
            name,
            JSON.stringify(part.map((e, j) => ({ id: e.id, ord: i + j, inputs: e.inputs, outputs: e.outputs }))),
          ],
        );
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** The run's examples with the given ids (those it has; a caller that needs all of them checks). */
export async function examplesById(db: Db, runId: string, ids: readonly string[]): Promise<Map<string, Example>> {
  const { rows } = await db.query<{
    example_id: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  }>('SELECT example_id, inputs, outputs FROM examples WHERE run_id = $1 AND example_id = ANY($2)', [runId, ids]);
  return new Map(rows.map((r) => [r.example_id, { id: r.example_id, inputs: r.inputs, outputs: r.outputs }]));
}

/** The split of each given example id that the run has. */
export async function splitOf(db: Db, runId: string, ids: readonly string[]): Promise<Map<string, SplitName>> {
  const { rows } = await db.query<{ example_id: string; split: SplitName }>(
    'SELECT example_id, split FROM examples WHERE run_id = $1 AND example_id = ANY($2)',
    [runId, ids],
  );
  return new Map(rows.map((r) => [r.example_id, r.split]));
}

/** The ids of a split, in the order the split was drawn. */
export async function splitIds(db: Db, runId: string, split: SplitName): Promise<string[]> {
  const { rows } = await db.query<{ example_id: string }>(
    'SELECT example_id FROM examples WHERE run_id = $1 AND split = $2 ORDER BY ordinal',
    [runId, split],
  );
  return rows.map((r) => r.example_id);
}

export async function splitSize(db: Db, runId: string, split: SplitName): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM examples WHERE run_id = $1 AND split = $2`,
    [runId, split],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The inputs of a split's first example (what `show` renders a program for), or undefined. */
export async function firstInputs(
  db: Db,
  runId: string,
  split: SplitName,
): Promise<Record<string, unknown> | undefined> {
  const { rows } = await db.query<{ inputs: Record<string, unknown> }>(
    `SELECT inputs FROM examples WHERE run_id = $1 AND split = $2 ORDER BY ordinal LIMIT 1`,
    [runId, split],
  );
  return rows[0]?.inputs;
}

/** Every example of a run, split by split (train, val, test) in the order each split was drawn. */
export async function runExamples(
  db: Db,
  runId: string,
): Promise<{ id: string; split: SplitName; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[]> {
  const { rows } = await db.query<{
    example_id: string;
    split: SplitName;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  }>(
    `SELECT example_id, split, inputs, outputs FROM examples WHERE run_id = $1
      ORDER BY array_position(ARRAY['train', 'val', 'test'], split), ordinal`,
    [runId],
  );
  return rows.map((r) => ({ id: r.example_id, split: r.split, inputs: r.inputs, outputs: r.outputs }));
}
