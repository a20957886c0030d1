import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import { runExample } from '../support/runs.js';
import { openTestStack, type TestStack } from '../support/stack.js';

const fixtures = 'test/fixtures/histories';
const short = (spec: TaskSpec): TaskSpec => ({ ...spec, search: { ...spec.search, generations: 2 } });

/**
 * Determinism: recorded histories of `optimizationRun` and a generation workflow replay against
 * the current workflow code. Committed fixtures catch a change that would break runs already in
 * flight; set PROMPTEVO_RECORD_HISTORIES=1 to re-record them after an intended, versioned change.
 */
describe('workflow replay', () => {
  let stack: TestStack;
  const workflowBundle = (): { code: string } => ({ code: readFileSync(inject('workflowBundlePath'), 'utf8') });

  beforeAll(async () => {
    stack = await openTestStack('replay');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('replays the histories of a fresh run', async () => {
    const worker = await stack.startWorker();
    const runId = `replay-${Date.now()}`;
    await worker.runUntil(runExample(stack, runId, short));
    for (const [name, workflowId] of [
      ['optimizationRun', `run-${runId}`],
      ['generationWorkflow', `run-${runId}-gen-001`],
    ] as const) {
      const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
      expect(history.events?.length ?? 0).toBeGreaterThan(10);
      await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, workflowId);
      if (process.env.PROMPTEVO_RECORD_HISTORIES === '1') {
        writeFileSync(`${fixtures}/${name}.json`, historyToJSON(history));
      }
    }
  });

  it('replays the committed histories', async () => {
    const files = existsSync(fixtures) ? readdirSync(fixtures).filter((f) => f.endsWith('.json')) : [];
    expect(files.sort()).toEqual(['generationWorkflow.json', 'optimizationRun.json']);
    for (const file of files) {
      const history = JSON.parse(readFileSync(`${fixtures}/${file}`, 'utf8')) as Parameters<
        typeof Worker.runReplayHistory
      >[1];
      await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, file);
    }
  });
});
