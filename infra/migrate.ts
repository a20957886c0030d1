// Applies database migrations: `node --import tsx infra/migrate.ts up`.
import { loadConfig, describeDatabaseUrl, ConfigError } from '../platform/config.js';
import { migrateUp } from '../platform/migrations.js';

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
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`[promptevo] migration failed: ${message}`);
  process.exit(1);
});
