import { Context, heartbeat as sendHeartbeat } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { HEARTBEAT_EVERY_MS } from '../contracts/index.js';

/** Each running activity's last reported progress, resent by the worker's heartbeat timer. */
const progress = new WeakMap<Context, unknown>();

/** Reports an activity's progress (the heartbeat details shown in the UI) and heartbeats now. */
export function heartbeat(details?: unknown): void {
  progress.set(Context.current(), details);
  sendHeartbeat(details);
}

/**
 * The worker's activity interceptor: every activity heartbeats from a timer every
 * HEARTBEAT_EVERY_MS for as long as it runs — also while one model call takes 30 s or a rate
 * limit holds it — so a healthy activity is never timed out, and one on a killed worker is retried
 * once the heartbeat timeout passes without a beat. The details are its last reported progress.
 */
export const heartbeatWhileRunning: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const beat = setInterval(() => ctx.heartbeat(progress.get(ctx)), HEARTBEAT_EVERY_MS);
      try {
        return await next(input);
      } finally {
        clearInterval(beat);
      }
    },
  },
});

/**
 * Heartbeats every HEARTBEAT_EVERY_MS while `task` runs, for code that runs an activity without
 * the worker's interceptor (benchmarks, tests).
 */
export async function withHeartbeat<T>(task: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  const beat = setInterval(() => heartbeat(details()), HEARTBEAT_EVERY_MS);
  try {
    return await task();
  } finally {
    clearInterval(beat);
  }
}
