import type { Db } from '../platform/db.js';

/** Records a distillation as running; a restarted one replaces the run's previous attempt. */
export async function startDistillation(db: Db, runId: string, config: unknown): Promise<void> {
  await db.query(
    `INSERT INTO distillations (run_id, status, config) VALUES ($1, 'running', $2)
     ON CONFLICT (run_id) DO UPDATE SET status = 'running', config = EXCLUDED.config, result = NULL,
       started_at = now(), finished_at = NULL`,
    [runId, JSON.stringify(config)],
  );
}

export async function finishDistillation(db: Db, runId: string, status: string, result: unknown): Promise<void> {
  await db.query(`UPDATE distillations SET status = $2, result = $3, finished_at = now() WHERE run_id = $1`, [
    runId,
    status,
    JSON.stringify(result),
  ]);
}

/** The run's latest distillation (its result typed by the reader), or undefined when it has none. */
export async function findDistillation<Result = unknown>(
  db: Db,
  runId: string,
): Promise<{ status: string; result: Result | null } | undefined> {
  const { rows } = await db.query<{ status: string; result: Result | null }>(
    'SELECT status, result FROM distillations WHERE run_id = $1',
    [runId],
  );
  return rows[0];
}
