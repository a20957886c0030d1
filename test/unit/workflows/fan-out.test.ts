import { describe, expect, it } from 'vitest';
import { ActivityWindow } from '../../../workflows/fan-out.js';

/** A call that finishes when told to, recording how many calls were running when it started. */
function gate(): { started: boolean; finish: (ok?: boolean) => void; call: () => Promise<string> } {
  let done: (ok: boolean) => void = () => undefined;
  const g = {
    started: false,
    finish: (ok = true) => done(ok),
    call: () => {
      g.started = true;
      return new Promise<string>((resolve, reject) => (done = (ok) => (ok ? resolve('ok') : reject(new Error('no')))));
    },
  };
  return g;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ActivityWindow', () => {
  it('starts calls at once up to its limit, then one per finished call, in the order asked', async () => {
    const window = new ActivityWindow(2);
    const gates = Array.from({ length: 4 }, gate);
    const settled = Promise.allSettled(gates.map((g) => window.run(g.call)));
    // The first two start in the same turn as run(): a workflow's commands keep their order.
    expect(gates.map((g) => g.started)).toEqual([true, true, false, false]);
    gates[1]!.finish();
    await tick();
    expect(gates.map((g) => g.started)).toEqual([true, true, true, false]);
    gates[0]!.finish(false);
    await tick();
    expect(gates[3]!.started).toBe(true);
    gates[2]!.finish();
    gates[3]!.finish();
    expect((await settled).map((s) => s.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('without a limit (a history recorded before the window) starts every call at once', () => {
    const window = new ActivityWindow(Number.POSITIVE_INFINITY);
    const gates = Array.from({ length: 500 }, gate);
    gates.forEach((g) => void window.run(g.call).catch(() => undefined));
    expect(gates.every((g) => g.started)).toBe(true);
  });
});
