import { setTimeout as sleep } from 'node:timers/promises';
import { type Db } from '../platform/db.js';
import { acquireRate, blockBucket, takeBucketTokens } from '../storage/rate-buckets.js';

export interface EndpointLimits {
  rpm?: number;
  tpm?: number;
}

/** Share of the configured limit the bucket refills at: headroom for arrival jitter at the provider. */
const RATE_HEADROOM = 0.98;
/** Burst capacity in seconds of rate: small, so no 60-second window can exceed the limit. */
const BURST_SECONDS = 0.2;
const UNLIMITED = 1e12;

/**
 * Cluster-wide token buckets in PostgreSQL (`acquire_rate`), one per endpoint: every worker process
 * asks the same row, so the limits hold however many workers run, and only the database clock counts.
 */
export class SharedRateLimiter {
  constructor(private readonly db: Db) {}

  /**
   * Waits until one request and `estimatedTokens` fit; `onWait` runs while waiting (e.g. to
   * heartbeat); `signal` abandons the wait (with an AbortError).
   */
  async acquire(
    key: string,
    limits: EndpointLimits,
    estimatedTokens: number,
    onWait?: () => void,
    signal?: AbortSignal,
  ): Promise<number> {
    if (!limits.rpm && !limits.tpm) return 0;
    const rpm = limits.rpm ? limits.rpm * RATE_HEADROOM : UNLIMITED;
    const tpm = limits.tpm ? limits.tpm * RATE_HEADROOM : UNLIMITED;
    const requestCap = Math.max(1, (rpm / 60) * BURST_SECONDS);
    const tokenCap = Math.max(1, (tpm / 60) * BURST_SECONDS);
    let waited = 0;
    for (;;) {
      const wait = await acquireRate(this.db, key, {
        rpm,
        tpm,
        requestCap,
        tokenCap,
        costTokens: limits.tpm ? estimatedTokens : 0,
      });
      if (wait <= 0) return waited;
      onWait?.();
      // A little jitter spreads waiters that would otherwise all wake together.
      const pause = Math.min(wait, 5_000) * (1 + Math.random() * 0.1);
      waited += pause;
      await sleep(pause, undefined, signal ? { signal } : {});
    }
  }

  /** Replaces the pre-call token estimate with what the provider reported. */
  async correctTokens(key: string, limits: EndpointLimits, estimated: number, actual: number): Promise<void> {
    if (!limits.tpm || actual === estimated) return;
    await takeBucketTokens(this.db, key, actual - estimated);
  }

  /**
   * After a 429: everyone waits `ms`. When the 429 said our quota was used up (`lower`), the send
   * rate also drops by a tenth (recovering slowly) — once per pause: the 429s of requests already
   * in flight when the first one blocked the bucket are the same event.
   */
  async backOff(key: string, ms: number, lower = true): Promise<void> {
    await blockBucket(this.db, key, ms, lower);
  }
}
