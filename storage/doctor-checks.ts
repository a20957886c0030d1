import type { Db } from '../platform/db.js';

/** The server's version: a round trip that proves the database answers. */
export async function postgresVersion(db: Db): Promise<string | undefined> {
  const { rows } = await db.query<{ version: string }>('SELECT current_setting($1) AS version', ['server_version']);
  return rows[0]?.version;
}

/** Records what `promptevo doctor` found, once per doctor workflow (a retry replaces it). */
export async function recordDoctorChecks(db: Db, workflowId: string, worker: string, checks: unknown): Promise<void> {
  await db.query(
    `INSERT INTO doctor_checks (workflow_id, worker, checks) VALUES ($1, $2, $3)
     ON CONFLICT (workflow_id) DO UPDATE SET checks = EXCLUDED.checks, worker = EXCLUDED.worker, checked_at = now()`,
    [workflowId, worker, JSON.stringify(checks)],
  );
}
