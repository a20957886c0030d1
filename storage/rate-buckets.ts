import type { Db } from '../platform/db.js';

/** A bucket's refill rates and capacities; `costTokens` is what the request takes besides itself. */
export interface BucketRequest {
  rpm: number;
  tpm: number;
  requestCap: number;
  tokenCap: number;
  costTokens: number;
}

/**
 * Takes one request (and its tokens) from the endpoint's shared bucket under a row lock
 * (`acquire_rate`, migration 002): 0 when granted, otherwise the milliseconds to wait.
 */
export async function acquireRate(db: Db, key: string, r: BucketRequest): Promise<number> {
  const { rows } = await db.query<{ wait: number }>('SELECT acquire_rate($1, $2, $3, $4, $5, $6) AS wait', [
    key,
    r.rpm,
    r.tpm,
    r.requestCap,
    r.tokenCap,
    r.costTokens,
  ]);
  return rows[0]?.wait ?? 0;
}

/** Takes `delta` more tokens from the bucket (gives them back when negative). */
export async function takeBucketTokens(db: Db, key: string, delta: number): Promise<void> {
  await db.query('UPDATE rate_buckets SET tokens = tokens - $2 WHERE key = $1', [key, delta]);
}

/**
 * Blocks the bucket for `ms` from now (never shortening a block); with `lower`, the rate drops by
 * a tenth (to half at least) unless the bucket was already blocked: one lowering per pause.
 */
export async function blockBucket(db: Db, key: string, ms: number, lower: boolean): Promise<void> {
  await db.query(
    `UPDATE rate_buckets SET blocked_until = greatest(blocked_until, clock_timestamp() + make_interval(secs => $2 / 1000.0)),
            rate_factor = CASE WHEN NOT $3 OR blocked_until > clock_timestamp() THEN rate_factor
                               ELSE greatest(0.5, rate_factor * 0.9) END
      WHERE key = $1`,
    [key, ms, lower],
  );
}
