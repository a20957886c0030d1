import { patched } from '@temporalio/workflow';

/**
 * Activities one workflow execution keeps scheduled and unfinished at most. A generation of a
 * large run fans out population × validation batches (64 × 25 = 1,600 in `bench:scale`); past a
 * few hundred, pending activities only make the history and the task queue longer without making
 * the run faster, since the workers' activity slots are the real bound. The rest wait in the
 * workflow and are scheduled as earlier ones finish, in the order they were asked for.
 */
export const MAX_PENDING_ACTIVITIES = 200;

/** The patch that introduced the window; histories recorded before it replay unbounded. */
const BOUNDED_FAN_OUT = 'bounded-fan-out';

/** Runs activity calls with at most `limit` of them pending; deterministic (promises only, FIFO). */
export class ActivityWindow {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Starts `call` now when the window has room (in the same turn, so command order is unchanged), else when a slot frees. */
  run<T>(call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.active++;
        void call()
          .then(resolve, reject)
          .finally(() => {
            this.active--;
            this.waiting.shift()?.();
          });
      };
      if (this.active < this.limit) start();
      else this.waiting.push(start);
    });
  }
}

/**
 * The window for the current workflow execution: MAX_PENDING_ACTIVITIES in executions started
 * with it, unbounded when replaying a history recorded before it (its commands came in one burst).
 * Call it once, at the start of the workflow.
 */
export function activityWindow(): ActivityWindow {
  return new ActivityWindow(patched(BOUNDED_FAN_OUT) ? MAX_PENDING_ACTIVITIES : Number.POSITIVE_INFINITY);
}
