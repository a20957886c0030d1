import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { heartbeat } from '@temporalio/activity';
import { heartbeatWhileRunning } from '../../../activities/heartbeat.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS, HEARTBEAT_EVERY_MS } from '../../../contracts/index.js';

describe('heartbeatWhileRunning', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps an activity beating while one model call takes 35 s, resending its last progress', async () => {
    vi.useFakeTimers();
    const env = new MockActivityEnvironment({}, { interceptors: [heartbeatWhileRunning] });
    const beats: { at: number; details: unknown }[] = [];
    env.on('heartbeat', (details: unknown) => beats.push({ at: Date.now(), details }));
    const started = Date.now();
    const running = env.run(async () => {
      heartbeat({ done: 3, total: 20 });
      await new Promise((resolve) => setTimeout(resolve, 35_000)); // one slow call, no beat of its own
      return 'answered';
    });
    await vi.advanceTimersByTimeAsync(35_000);
    await expect(running).resolves.toBe('answered');
    const times = [started, ...beats.map((b) => b.at), started + 35_000];
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(HEARTBEAT_EVERY_MS);
    expect(HEARTBEAT_EVERY_MS * 4).toBeLessThanOrEqual(ACTIVITY_HEARTBEAT_TIMEOUT_MS);
    expect(beats.at(-1)!.details).toEqual({ done: 3, total: 20 });
    // Once the activity is over, the timer stops.
    const count = beats.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(beats.length).toBe(count);
  });

  it('passes on progress reported after every example at most once a second; the timer sends the latest', async () => {
    vi.useFakeTimers();
    const env = new MockActivityEnvironment({}, { interceptors: [heartbeatWhileRunning] });
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    const running = env.run(async () => {
      for (let done = 1; done <= 100; done++) heartbeat({ done, total: 100 }); // 100 answers at once
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_EVERY_MS));
      return 'done';
    });
    await vi.advanceTimersByTimeAsync(HEARTBEAT_EVERY_MS);
    await expect(running).resolves.toBe('done');
    expect(beats).toEqual([
      { done: 1, total: 100 },
      { done: 100, total: 100 },
    ]);
  });
});
