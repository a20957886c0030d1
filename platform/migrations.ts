import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { type Config } from './config.js';
import { type Db } from './db.js';

export const migrationsDir = fileURLToPath(new URL('../infra/migrations', import.meta.url));

/**
 * Applies the SQL migrations in infra/migrations in order, recording them in the schema's
 * `pgmigrations` table. Safe to re-run; concurrent callers are serialised by an advisory lock.
 */
export async function migrateUp(config: Pick<Config, 'DATABASE_URL' | 'PROMPTEVO_DB_SCHEMA'>): Promise<string[]> {
  const applied = await runner({
    databaseUrl: config.DATABASE_URL,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    schema: config.PROMPTEVO_DB_SCHEMA,
    createSchema: true,
    checkOrder: true,
    // Workers started together wait for each other's migration instead of failing on the lock.
    advisoryLockMode: 'wait',
    log: () => undefined,
  });
  return applied.map((m) => m.name);
}

/** Drops a private schema and everything in it (a benchmark's, when it is done). */
export async function dropSchema(db: Db, schema: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

const sqlIdentifier = /^[a-z_][a-z0-9_]*$/;

/**
 * Gives a least-privilege database role what a worker needs in the configured schema, and no
 * more: use of the schema, SELECT/INSERT/UPDATE/DELETE on promptevo's tables and use of their
 * sequences. No DDL (the role owns nothing, so it cannot DROP, ALTER or TRUNCATE; it has no CREATE
 * on the schema) and no access to the migration ledger. Run by the owner role after `migrateUp`;
 * idempotent. The role itself is created by an administrator (`infra/postgres.sh provision`
 * locally, `infra/docker/postgres-init.sh` in Docker, or `CREATE ROLE ... LOGIN PASSWORD ...`).
 */
export async function grantWorkerRole(
  config: Pick<Config, 'DATABASE_URL' | 'PROMPTEVO_DB_SCHEMA'>,
  role: string,
): Promise<void> {
  await grantRole(config, role, 'worker', (schema) => [
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
    `REVOKE ALL ON TABLE ${schema}.pgmigrations FROM ${role}`,
  ]);
}

/** Runs a role's grants in one transaction, after checking the role's name and that it exists. */
async function grantRole(
  config: Pick<Config, 'DATABASE_URL' | 'PROMPTEVO_DB_SCHEMA'>,
  role: string,
  kind: 'worker' | 'reader',
  grants: (schema: string) => string[],
): Promise<void> {
  if (!sqlIdentifier.test(role)) {
    throw new Error(`${kind} database role "${role}" is not a lower-case SQL identifier (letters, digits, _)`);
  }
  const client = new pg.Client({ connectionString: config.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (rows.length === 0) {
      throw new Error(
        `${kind} database role "${role}" does not exist; an administrator creates it once with ` +
          `CREATE ROLE ${role} LOGIN PASSWORD '<password>' (locally: bash infra/postgres.sh provision)`,
      );
    }
    await client.query('BEGIN');
    for (const statement of grants(config.PROMPTEVO_DB_SCHEMA)) await client.query(statement);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** The registry's tables (infra/migrations/007_registry.sql): all a service's runtime reads. */
export const REGISTRY_TABLES = ['registry_versions', 'registry_labels', 'registry_label_moves', 'registry_promotions'];

/**
 * Grants the read-only role services' runtimes log in as (`promptevo_reader`) use of the schema
 * and SELECT on the registry tables, nothing else: no other table, no writes, no DDL. The role is
 * created by an administrator (locally infra/postgres.sh, in Docker infra/docker/postgres-init.sh).
 */
export async function grantReaderRole(
  config: Pick<Config, 'DATABASE_URL' | 'PROMPTEVO_DB_SCHEMA'>,
  role: string,
): Promise<void> {
  await grantRole(config, role, 'reader', (schema) => [
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `GRANT SELECT ON TABLE ${REGISTRY_TABLES.map((t) => `${schema}.${t}`).join(', ')} TO ${role}`,
  ]);
}
