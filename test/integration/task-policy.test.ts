import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptevoClient } from '../../client/api.js';
import { CliError } from '../../client/errors.js';
import { loadTaskFile } from '../../client/task-file.js';
import { startWorkerProcess, type WorkerProcess } from '../../infra/harness.js';
import { optimizationRun } from '../../workflows/index.js';
import { cli } from '../support/cli.js';
import { openTestStack, type TestStack } from '../support/stack.js';

/** An HTTP listener standing in for an attacker's endpoint: it records whatever reaches it. */
async function startListener(): Promise<{ url: string; requests: IncomingMessage[]; server: Server }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

const example = readFileSync('examples/ticket-routing/task.yaml', 'utf8');
const exampleData = join(process.cwd(), 'examples/ticket-routing/data.jsonl');
/** The example's endpoint, as written in the task file (the client expands it). */
const exampleUrl = '${PROMPTEVO_MODEL_SERVER_URL:-http://127.0.0.1:8787/v1}';

/**
 * The cluster's task policy, end to end: a worker configured by its operator answers the
 * client's check; a refused task exits 2 with every violation and starts nothing.
 */
describe('task policy', () => {
  let stack: TestStack;
  let worker: WorkerProcess;
  let listener: Awaited<ReturnType<typeof startListener>>;
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'promptevo-policy-')));
  const dataRoot = join(base, 'datasets');
  const moduleRoot = join(base, 'metrics');
  const outside = join(base, 'private');

  /** A task file in the data root: the example with its data and endpoint changed. */
  const taskFile = (name: string, edit: (yaml: string) => string = (y) => y, data = exampleData): string => {
    const path = join(dataRoot, `${name}.yaml`);
    writeFileSync(path, edit(example.replace('path: data.jsonl', `path: ${data}`)));
    return path;
  };
  const pointAtListener = (apiKeyEnv: string) => (yaml: string) =>
    yaml.replaceAll(`baseUrl: ${exampleUrl}`, `baseUrl: ${listener.url}/v1\n    apiKeyEnv: ${apiKeyEnv}`);

  beforeAll(async () => {
    for (const dir of [dataRoot, moduleRoot, outside]) mkdirSync(dir);
    stack = await openTestStack('policy');
    listener = await startListener();
    worker = startWorkerProcess(
      {
        ...stack.config,
        PROMPTEVO_DATA_ROOTS: `${process.cwd()}:${dataRoot}`,
        PROMPTEVO_MODULE_ROOTS: moduleRoot,
        PROMPTEVO_MAX_DATASET_BYTES: 100_000,
        PROMPTEVO_KEY_HOSTS: 'PROMPTEVO_KEY_LOCAL=127.0.0.1:8787',
      },
      { PROMPTEVO_KEY_LOCAL: 'sk-local-0123456789abcdef' },
    );
    await worker.ready;
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await new Promise((resolve) => listener?.server.close(resolve));
    await stack?.close();
  });

  const noRun = async (runId: string): Promise<void> => {
    await expect(stack.client.workflow.getHandle(`run-${runId}`).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    const { rows } = await stack.db.query('SELECT 1 FROM runs WHERE id = $1', [runId]);
    expect(rows).toHaveLength(0);
  };

  it('a task sending DATABASE_URL as its key to a listener of its own exits 2, and the listener receives nothing', async () => {
    const runId = `exfil-${Date.now()}`;
    const run = await cli(stack.config, ['run', taskFile('exfil', pointAtListener('DATABASE_URL')), '--run-id', runId]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/refused by the cluster's task policy \(2 violations\); nothing was started/);
    expect(run.stderr).toMatch(
      /exfil\.yaml: models\.sim-large\.apiKeyEnv: \[key-env-name\] DATABASE_URL may not be used as an API key.*PROMPTEVO_KEY_\*/,
    );
    expect(run.stderr).toMatch(/models\.sim-small\.apiKeyEnv: \[key-env-name\]/);
    expect(run.stderr).not.toContain('postgres://');
    expect(listener.requests).toHaveLength(0);
    await noRun(runId);
  });

  it('a run started without the check fails non-retryably with the same message, sending nothing', async () => {
    const task = loadTaskFile(taskFile('direct', pointAtListener('DATABASE_URL')));
    const runId = `direct-${Date.now()}`;
    const handle = await stack.client.workflow.start(optimizationRun, {
      workflowId: `run-${runId}`,
      taskQueue: stack.taskQueue,
      args: [{ runId, spec: task.spec, datasetPath: task.datasetPath, taskFile: task.taskFile }],
    });
    await expect(handle.result()).rejects.toThrow();
    const { rows } = await stack.db.query<{ status: string; result: { error: string } }>(
      'SELECT status, result FROM runs WHERE id = $1',
      [runId],
    );
    expect(rows[0]?.status).toBe('failed');
    expect(rows[0]?.result.error).toMatch(/\[key-env-name\] DATABASE_URL may not be used as an API key/);
    const events = (await handle.fetchHistory()).events ?? [];
    const attempts = events.flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : [],
    );
    expect(attempts.every((a) => a === 1)).toBe(true); // not retried
    expect(listener.requests).toHaveLength(0);
  });

  it('a key bound to another host is refused, through the programmatic client with adjust too', async () => {
    const client = new PromptevoClient(stack.client, stack.config);
    const runId = `unbound-${Date.now()}`;
    const refused = await client
      .startTask(loadTaskFile('examples/ticket-routing/task.yaml'), {
        runId,
        adjust: (spec) => ({
          ...spec,
          models: {
            ...spec.models,
            'sim-small': {
              ...spec.models['sim-small']!,
              baseUrl: `${listener.url}/v1`,
              apiKeyEnv: 'PROMPTEVO_KEY_LOCAL',
            },
          },
        }),
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).exitCode).toBe(2);
    expect((refused as CliError).message).toMatch(
      /models\.sim-small\.baseUrl: \[key-host\] PROMPTEVO_KEY_LOCAL may only be sent to 127\.0\.0\.1:8787 \(PROMPTEVO_KEY_HOSTS\), not to 127\.0\.0\.1:\d+/,
    );
    expect(listener.requests).toHaveLength(0);
    await noRun(runId);
  });

  it('a dataset outside the roots (directly or by a symlink) or over the size cap is refused, with no content echoed', async () => {
    const secret = join(outside, 'data.jsonl');
    writeFileSync(secret, readFileSync(exampleData));
    symlinkSync(secret, join(dataRoot, 'linked.jsonl'));
    // Three copies of the example with distinct ids: a valid dataset, just over the cap.
    const rows = readFileSync(exampleData, 'utf8').trim().split('\n');
    const copies = [1, 2, 3].flatMap((k) =>
      rows.map((line) =>
        JSON.stringify({ ...(JSON.parse(line) as object), id: `${k}-${(JSON.parse(line) as { id: string }).id}` }),
      ),
    );
    writeFileSync(join(dataRoot, 'big.jsonl'), `${copies.join('\n')}\n`);
    const cases = [
      { name: 'outside', data: secret, message: /\[data-root\] .*private\/data\.jsonl is outside the directories/ },
      {
        name: 'linked',
        data: join(dataRoot, 'linked.jsonl'),
        message: /\[data-root\] .*linked\.jsonl \(really .*private\/data\.jsonl\) is outside/,
      },
      {
        name: 'big',
        data: join(dataRoot, 'big.jsonl'),
        message:
          /\[data-size\] .*big\.jsonl is \d+ bytes, over the cap of 100000 bytes \(PROMPTEVO_MAX_DATASET_BYTES\)/,
      },
    ];
    for (const c of cases) {
      const runId = `data-${c.name}-${Date.now()}`;
      const run = await cli(stack.config, ['run', taskFile(c.name, undefined, c.data), '--run-id', runId]);
      expect(run.code, c.name).toBe(2);
      expect(run.stderr, c.name).toMatch(c.message);
      expect(run.stderr).toMatch(/: data\.path: /);
      expect(run.stderr).not.toContain('ticket');
      await noRun(runId);
    }
  });

  it('a module metric outside the module roots is refused; every violation is listed at once', async () => {
    writeFileSync(join(outside, 'metric.mjs'), 'export default () => 1;\n');
    const runId = `module-${Date.now()}`;
    const path = taskFile('module', (yaml) =>
      pointAtListener('DATABASE_URL')(
        yaml.replace(
          'metric: { kind: exact_match, field: label }',
          `metric: { kind: module, path: ${join(outside, 'metric.mjs')} }`,
        ),
      ),
    );
    const run = await cli(stack.config, ['run', path, '--run-id', runId]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\(3 violations\)/);
    expect(run.stderr).toMatch(
      /module\.yaml: metric\.path: \[module-root\] .*private\/metric\.mjs is outside the directories module metrics may be loaded from \(.*metrics; PROMPTEVO_MODULE_ROOTS\)/,
    );
    expect(listener.requests).toHaveLength(0);
    await noRun(runId);
  });

  it('a module metric inside the module roots scores a run, in a process that sees no secret', async () => {
    // Scores 0 everywhere if the worker's key or database URL is visible to it.
    writeFileSync(
      join(moduleRoot, 'route.mjs'),
      `export default ({ prediction, expected }) =>
         process.env.DATABASE_URL || process.env.PROMPTEVO_KEY_LOCAL
           ? { score: 0, feedback: 'the metric saw a secret' }
           : prediction.label === expected.label ? 1 : 0;\n`,
    );
    const path = taskFile('module-ok', (yaml) =>
      yaml
        .replace('metric: { kind: exact_match, field: label }', 'metric: { kind: module, path: ../metrics/route.mjs }')
        .replace('generations: 5', 'generations: 1')
        .replace(/\ndistill:\n(?: {2}.*\n)+/, '\n'),
    );
    const run = await cli(stack.config, ['run', path, '--wait', '--json', '--run-id', `module-ok-${Date.now()}`]);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { status: string; baseline: { val: number } };
    expect(result.status).toBe('completed');
    expect(result.baseline.val).toBeGreaterThan(0.3);
  });

  it('credentials written into a URL are refused before anything reaches Temporal or the endpoint', async () => {
    for (const [name, url] of [
      ['userinfo', `http://me:sk-in-the-url-0123456789@${listener.url.slice('http://'.length)}/v1`],
      ['query', `${listener.url}/v1?api-key=sk-in-the-url-0123456789`],
    ] as const) {
      const runId = `url-${name}-${Date.now()}`;
      const path = taskFile(`url-${name}`, (yaml) => yaml.replaceAll(exampleUrl, url));
      const run = await cli(stack.config, ['run', path, '--run-id', runId]);
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).toMatch(
        /models\.sim-large\.baseUrl: the URL carries (credentials|a credential in its query)/,
      );
      expect(run.stderr).not.toContain('sk-in-the-url');
      await noRun(runId);
      // Not even the check was started: the URL never reached Temporal.
      await expect(stack.client.workflow.getHandle(`task-check-${runId}`).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
    }
    expect(listener.requests).toHaveLength(0);
  });
});
