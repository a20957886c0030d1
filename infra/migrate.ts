// Applies database migrations: `node --import tsx infra/migrate.ts up`, as the role that owns the tables.
// With PROMPTEVO_WORKER_DB_ROLE=<role>, also grants that role what workers need (platform/migrations.ts);
// with PROMPTEVO_READER_DB_ROLE=<role>, read access to the registry tables for services' runtimes.
import { loadConfig, describeDatabaseUrl, ConfigError } from '../platform/config.js';
import { grantReaderRole, grantWorkerRole, migrateUp } from '../platform/migrations.js';

async function main(): Promise<void> {
  const direction = process.argv[2] ?? 'up';
  if (direction !== 'up') throw new ConfigError(`unknown migration direction "${direction}"; only "up" is supported`);
  const config = loadConfig();
  const applied = await migrateUp(config);
  const where = `${describeDatabaseUrl(config.DATABASE_URL)} schema ${config.PROMPTEVO_DB_SCHEMA}`;
  console.error(
    applied.length > 0
      ? `[promptevo] migrations applied to ${where}: ${applied.join(', ')}`
      : `[promptevo] database up to date (${where})`,
  );
  // Optional: the least-privilege role workers log in as gets DML on the tables just migrated.
  const workerRole = process.env.PROMPTEVO_WORKER_DB_ROLE;
  if (workerRole) {
    await grantWorkerRole(config, workerRole);
    console.error(`[promptevo] worker role ${workerRole}: may read and write the tables, no DDL`);
  }
  const readerRole = process.env.PROMPTEVO_READER_DB_ROLE;
  if (readerRole) {
    await grantReaderRole(config, readerRole);
    console.error(`[promptevo] reader role ${readerRole}: may read the registry tables, nothing else`);
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`[promptevo] migration failed: ${message}`);
  process.exit(1);
});
