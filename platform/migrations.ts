import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { type Config } from './config.js';

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
