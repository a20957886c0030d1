import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Db } from '../platform/db.js';

/** What a run is started from: its row in `runs` before anything has happened. */
export interface NewRun {
  runId: string;
  taskName: string;
  taskFile: string;
  datasetPath: string;
  spec: TaskSpec;
  seed: number;
  /** 'promotion' for a gated promotion's row (its calls and scores); an optimization run by default. */
  kind?: RunKind;
}

export type RunKind = 'optimize' | 'promotion';

/** A run as `runs` holds it; `result` is the finished run's result (or `{ error }`), typed by the reader. */
export interface StoredRun<Result = unknown> {
  /** 'optimize' for an optimization run, 'promotion' for a gated promotion's calls and scores. */
  kind: RunKind;
  taskName: string;
  status: string;
  phase: string;
  createdAt: Date;
  finishedAt: Date | null;
  seed: number;
  spec: TaskSpec;
  result: Result | null;
}

const runParams = (run: NewRun): unknown[] => [
  run.runId,
  run.taskName,
  run.taskFile,
  run.datasetPath,
  JSON.stringify(run.spec),
  run.seed,
];

/** Records a run; a run already recorded (a retried preparation) is left as it is. */
export async function insertRun(db: Db, run: NewRun): Promise<void> {
  await db.query(
    `INSERT INTO runs (id, task_name, task_file, dataset_path, spec, seed, kind) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO NOTHING`,
    [...runParams(run), run.kind ?? 'optimize'],
  );
}

/** Records why a run failed; the row may not exist yet when preparation itself failed. */
export async function storeRunFailure(db: Db, run: NewRun, error: string): Promise<void> {
  await db.query(
    `INSERT INTO runs (id, task_name, task_file, dataset_path, spec, seed, status, phase, result, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'failed', 'done', $7, now())
     ON CONFLICT (id) DO UPDATE SET status = 'failed', phase = 'done', result = EXCLUDED.result,
       updated_at = now(), finished_at = now()`,
    [...runParams(run), JSON.stringify({ error })],
  );
}

export async function finishRun(db: Db, runId: string, status: string, result: unknown): Promise<void> {
  await db.query(
    `UPDATE runs SET status = $2, phase = 'done', result = $3, updated_at = now(), finished_at = coalesce(finished_at, now())
      WHERE id = $1`,
    [runId, status, JSON.stringify(result)],
  );
}

export async function markRunEvolving(db: Db, runId: string): Promise<void> {
  await db.query(`UPDATE runs SET phase = 'evolving', updated_at = now() WHERE id = $1`, [runId]);
}

/** The parts of a run that never change once recorded: what workers read (and cache) per run. */
export async function runDefinition(db: Db, runId: string): Promise<{ spec: TaskSpec; taskFile: string } | undefined> {
  const { rows } = await db.query<{ spec: TaskSpec; task_file: string }>(
    'SELECT spec, task_file FROM runs WHERE id = $1',
    [runId],
  );
  const row = rows[0];
  return row ? { spec: row.spec, taskFile: row.task_file } : undefined;
}

/** A run's row as readers show it (show, report, export, distill), or undefined when there is none. */
export async function findRun<Result = unknown>(db: Db, runId: string): Promise<StoredRun<Result> | undefined> {
  const { rows } = await db.query<{
    kind: RunKind;
    task_name: string;
    status: string;
    phase: string;
    created_at: Date;
    finished_at: Date | null;
    seed: string;
    spec: TaskSpec;
    result: Result | null;
  }>('SELECT kind, task_name, status, phase, created_at, finished_at, seed, spec, result FROM runs WHERE id = $1', [
    runId,
  ]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    kind: row.kind,
    taskName: row.task_name,
    status: row.status,
    phase: row.phase,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    seed: Number(row.seed),
    spec: row.spec,
    result: row.result,
  };
}
