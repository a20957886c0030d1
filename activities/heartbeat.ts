import { heartbeat } from '@temporalio/activity';

/**
 * Heartbeats every few seconds while `task` runs, so an activity waiting on a rate limit or a slow
 * model is not mistaken for a dead one, while a worker that really died is noticed within the
 * heartbeat timeout.
 */
export async function withHeartbeat<T>(task: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  const beat = setInterval(() => heartbeat(details()), 5_000);
  try {
    return await task();
  } finally {
    clearInterval(beat);
  }
}
