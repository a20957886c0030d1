import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { HEARTBEAT_EVERY_MS } from '../contracts/index.js';

/** The least time between two beats an activity's own progress reports send (the timer's beats aside). */
const PROGRESS_EVERY_MS = 1_000;

/**
 * The worker's activity interceptor: every activity heartbeats from a timer every
 * HEARTBEAT_EVERY_MS for as long as it runs — also while one model call takes 30 s or a rate
 * limit holds it — so a healthy activity is never timed out, and one on a killed worker is retried
 * once the heartbeat timeout passes without a beat. The timer resends the details of the
 * activity's own last `heartbeat(details)` (its progress, shown in the UI), so activities keep
 * using the SDK's `heartbeat` and need not know about the timer.
 */
export const heartbeatWhileRunning: ActivityInterceptorsFactory = (ctx) => {
  const sdkHeartbeat = ctx.heartbeat;
  let progress: unknown;
  let sentAt = Number.NEGATIVE_INFINITY;
  const send = (details: unknown): void => {
    sentAt = performance.now();
    sdkHeartbeat(details);
  };
  // The SDK's heartbeat() calls the context's own function: record what the activity reports, and
  // pass it on at most every PROGRESS_EVERY_MS (an evaluation reports after every example; each
  // beat is a payload encoding and a call into the SDK's core, which throttles them anyway).
  (ctx as { heartbeat: (details?: unknown) => void }).heartbeat = (details) => {
    progress = details;
    if (performance.now() - sentAt >= PROGRESS_EVERY_MS) send(details);
  };
  return {
    inbound: {
      async execute(input, next) {
        const beat = setInterval(() => send(progress), HEARTBEAT_EVERY_MS);
        try {
          return await next(input);
        } finally {
          clearInterval(beat);
        }
      },
    },
  };
};
