import pg from 'pg';
import { type Config } from './config.js';

export type Db = pg.Pool;

/** Limits for a pool that must not wait on an unreachable server (the service runtime's). */
export interface PoolTimeouts {
  /** Give up connecting after this long. */
  connectMs?: number;
  /** Give up on a query's answer after this long. */
  queryMs?: number;
}

/** A connection pool whose sessions use the configured schema first. */
export function createPool(
  config: Pick<Config, 'DATABASE_URL' | 'PROMPTEVO_DB_SCHEMA'>,
  max = 10,
  timeouts: PoolTimeouts = {},
): Db {
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max,
    ...(timeouts.connectMs ? { connectionTimeoutMillis: timeouts.connectMs } : {}),
    ...(timeouts.queryMs ? { query_timeout: timeouts.queryMs } : {}),
    options: `-c search_path=${config.PROMPTEVO_DB_SCHEMA},public`,
  });
  // An idle client losing its connection (e.g. the database restarting) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}
