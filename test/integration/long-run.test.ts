import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import { runExample } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';

const long = (spec: TaskSpec): TaskSpec => ({
  ...spec,
  data: { ...spec.data, split: { ...spec.data.split, train: 0.6, val: 0.1, test: 0.3 } },
  search: { ...spec.search, generations: 30, populationSize: 16, elites: 4 },
});

/** Thirty generations of sixteen: every workflow's history stays far below Temporal's limits. */
describe('a long run', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await openTestStack('long_run');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('completes 30 generations of population 16 with every history under 10,000 events', async () => {
    const worker = await stack.startWorker();
    const runId = `long-${Date.now()}`;
    const result = await worker.runUntil(runExample(stack, runId, long));
    expect(result.status).toBe('completed');
    expect(result.generations).toBe(30);

    const workflowIds = [
      `run-${runId}`,
      ...Array.from({ length: 31 }, (_, g) => `run-${runId}-gen-${String(g).padStart(3, '0')}`),
    ];
    let largest = 0;
    for (const id of workflowIds) {
      const history = await stack.client.workflow.getHandle(id).fetchHistory();
      largest = Math.max(largest, history.events?.length ?? 0);
    }
    console.info(`long run: largest history of ${workflowIds.length} workflows is ${largest} events`);
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThan(10_000);
  });
});
