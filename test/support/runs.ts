import { PromptevoClient, type StartRunOptions } from '../../client/api.js';
import { loadTaskFile } from '../../client/task-file.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import type { TestStack } from './stack.js';
import type { RunResult } from '../../contracts/index.js';

/** Starts the example task (optionally adjusted) on a test stack and returns the run id. */
export async function startExampleRun(
  stack: TestStack,
  runId: string,
  adjust?: (spec: TaskSpec) => TaskSpec,
  taskPath = 'examples/ticket-routing/task.yaml',
  extra: Omit<StartRunOptions, 'runId' | 'adjust'> = {},
): Promise<{ client: PromptevoClient; runId: string }> {
  const client = new PromptevoClient(stack.client, stack.config);
  const options: StartRunOptions = { runId, ...(adjust ? { adjust } : {}), ...extra };
  await client.startTask(loadTaskFile(taskPath), options);
  return { client, runId };
}

export async function runExample(
  stack: TestStack,
  runId: string,
  adjust?: (spec: TaskSpec) => TaskSpec,
): Promise<RunResult> {
  const { client } = await startExampleRun(stack, runId, adjust);
  return client.waitForResult(runId);
}

/** Polls PostgreSQL until `sql` returns a truthy first column: waits on a condition, never on time alone. */
export async function waitForRow(stack: TestStack, sql: string, params: unknown[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await stack.db.query<Record<string, unknown>>(sql, params);
    const first = rows[0] ? Object.values(rows[0])[0] : undefined;
    if (first) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${sql}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
