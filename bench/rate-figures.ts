// The rate-limit benchmark's three figures, from the model server's request log.
import type { RequestRecord } from '../model-server/server/stats.js';

export interface Interval {
  start: number;
  end: number;
}

/** Each injected 429 pauses a client that honours Retry-After until t + retryAfterMs; overlapping pauses merge. */
export function injectedPauses(records: readonly RequestRecord[], retryAfterMs: number): Interval[] {
  const pauses: Interval[] = [];
  for (const r of records.filter((x) => x.fault === 'throttle-burst').sort((a, b) => a.t - b.t)) {
    const last = pauses.at(-1);
    if (last && r.t <= last.end) last.end = Math.max(last.end, r.t + retryAfterMs);
    else pauses.push({ start: r.t, end: r.t + retryAfterMs });
  }
  return pauses;
}

export interface RateFigures {
  spanMs: number;
  pauseCount: number;
  pausedMs: number;
  byStatus: Record<string, number>;
  /** Requests that used the quota (everything but 429s) per minute outside the pauses, over the limit. */
  sustainedOutsidePauses: number;
  /** 429s the server's own limit gave (not injected), as a share of all requests. */
  uninjected429Share: number;
  /** Most quota-using requests in any 60-second window, over the limit. */
  worstWindow: number;
}

export function rateFigures(
  records: readonly RequestRecord[],
  options: { rpm: number; warmupMs: number; pauses: Interval[] },
): RateFigures {
  const sorted = [...records].sort((a, b) => a.t - b.t);
  const t0 = (sorted[0]?.t ?? 0) + options.warmupMs;
  const inWindow = sorted.filter((r) => r.t >= t0);
  const tEnd = inWindow.at(-1)?.t ?? t0;
  const paused = (t: number): boolean => options.pauses.some((p) => t >= p.start && t < p.end);
  const pausedMs = options.pauses.reduce(
    (sum, p) => sum + Math.max(0, Math.min(p.end, tEnd) - Math.max(p.start, t0)),
    0,
  );
  const used = (r: RequestRecord): boolean => r.status !== 429;
  const outside = inWindow.filter((r) => used(r) && !paused(r.t)).length;
  const openMs = Math.max(1, tEnd - t0 - pausedMs);
  const byStatus: Record<string, number> = {};
  for (const r of sorted) byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
  const okTimes = sorted.filter(used).map((r) => r.t);
  let worst = 0;
  for (let i = 0, j = 0; i < okTimes.length; i++) {
    while (okTimes[i]! - okTimes[j]! >= 60_000) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return {
    spanMs: tEnd - t0,
    pauseCount: options.pauses.filter((p) => p.end > t0).length,
    pausedMs,
    byStatus,
    sustainedOutsidePauses: ((outside / openMs) * 60_000) / options.rpm,
    uninjected429Share: sorted.filter((r) => r.status === 429 && !r.fault).length / Math.max(1, sorted.length),
    worstWindow: worst / options.rpm,
  };
}
