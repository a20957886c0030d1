import pg from 'pg';
import { type Config } from './config.js';

export type Db = pg.Pool;

/** A connection pool whose sessions use the configured schema first. */
export function createPool(config: Pick<Config, 'DATABASE_URL' | 'PROMPTEVO_DB_SCHEMA'>, max = 10): Db {
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max,
    options: `-c search_path=${config.PROMPTEVO_DB_SCHEMA},public`,
  });
  // An idle client losing its connection (e.g. the database restarting) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}
