import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../runtime/runtime.js';
import { cliEnv } from '../support/cli.js';
import { openTestStack, type TestStack } from '../support/stack.js';
import { publishTicketVersion, setLabel, simLarge, ticketTask, uniqueName } from '../support/registry-versions.js';

const run = promisify(execFile);
const KEY = 'serve-test-key-0123';
const labels = (ticketTask.signature.outputs.label as { values: string[] }).values;
const inputs = { ticket: 'My parcel has not arrived and the tracking number shows no movement.' };

/** Starts `promptevo serve --port 0` as a user would and resolves with its address once it prints it. */
function startServe(
  stack: TestStack,
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['bin/promptevo.js', 'serve', '--port', '0', ...args], {
    env: cliEnv(stack.config, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

describe('promptevo serve over real HTTP', () => {
  let stack: TestStack;
  let child: ChildProcess;
  let url: string;
  const name = uniqueName('serve-ticket');

  const post = (path: string, body: unknown, key: string | null = KEY) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await openTestStack('serve');
    const v1 = await publishTicketVersion(stack.db, name, 1);
    await publishTicketVersion(stack.db, name, 2);
    await setLabel(stack.db, name, 'production', null, v1.version);
    ({ child, url } = await startServe(
      stack,
      ['--ttl-ms', '300', '--endpoint', `${simLarge.model}=${simLarge.baseUrl}`],
      {
        PROMPTEVO_SERVE_KEY: KEY,
      },
    ));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await stack?.close();
  });

  it('refuses a missing or wrong key, and answers health without one', async () => {
    const missing = await post(`/v1/programs/${name}/predict`, { inputs }, null);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: 'unauthorized', message: /missing key/ });
    const wrong = await post(`/v1/programs/${name}/predict`, { inputs }, 'not-the-key');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ message: 'the bearer key is wrong' });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });

  it('predicts with the labelled version or a pinned one', async () => {
    const response = await post(`/v1/programs/${name}/predict`, { inputs });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      outputs: { label: string };
      version: { version: number };
      adjustments: string[];
    };
    expect(labels).toContain(body.outputs.label);
    expect(body.version).toMatchObject({ name, version: 1 });
    expect(Array.isArray(body.adjustments)).toBe(true);

    const pinned = await post(`/v1/programs/${name}/predict`, { inputs, version: 2 });
    expect(((await pinned.json()) as { version: { version: number } }).version.version).toBe(2);
  });

  it('says what was wrong with a bad request, and 404s what the registry does not have', async () => {
    const noInputs = await post(`/v1/programs/${name}/predict`, { label: 'production' });
    expect(noInputs.status).toBe(400);
    expect(await noInputs.json()).toMatchObject({ error: 'bad_request', message: /inputs/ });
    const both = await post(`/v1/programs/${name}/predict`, { inputs, label: 'production', version: 1 });
    expect(await both.json()).toMatchObject({ message: /a label or a version, not both/ });
    const badInputs = await post(`/v1/programs/${name}/predict`, { inputs: { text: 'hi' } });
    expect(badInputs.status).toBe(400);
    expect(await badInputs.json()).toMatchObject({ error: 'bad_inputs', message: /"text" is not an input/ });
    const notJson = await fetch(`${url}/v1/programs/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);

    const badName = await post('/v1/programs/no%20spaces/predict', { inputs });
    expect(badName.status).toBe(400);
    expect(await badName.json()).toMatchObject({ error: 'bad_request', message: /prompt name "no spaces"/ });

    const pin = await post(`/v1/programs/${name}/predict`, { inputs, version: 42 });
    expect(pin.status).toBe(404);
    expect(await pin.json()).toMatchObject({
      error: 'not_found',
      message: new RegExp(`${name}:42 is not in the registry`),
    });
    const unknownName = await post(`/v1/programs/${uniqueName('nobody')}/predict`, { inputs });
    expect(unknownName.status).toBe(404);
  });

  it('serves runtimes in other processes: they follow a label move made in PostgreSQL', async () => {
    const lookup = await fetch(`${url}/v1/programs/${name}?label=production`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(lookup.status).toBe(200);
    expect(await lookup.json()).toMatchObject({ name, version: 1, content: { model: simLarge.model } });

    const runtime = createRuntime({
      registry: { serveUrl: url, key: KEY },
      endpoints: () => ({ baseUrl: simLarge.baseUrl }),
      ttlMs: 300,
      env: {},
      logger: { warn: () => undefined },
    });
    try {
      const program = await runtime.load(name);
      expect((await program.predict(inputs)).version.version).toBe(1);
      const updated = new Promise<{ to: { version: number } }>((resolve) => runtime.on('updated', resolve));
      await setLabel(stack.db, name, 'production', 1, 2);
      expect((await updated).to.version).toBe(2);
      expect((await program.predict(inputs)).version.version).toBe(2);
      // serve itself answers with the moved label as well.
      const response = await post(`/v1/programs/${name}/predict`, { inputs });
      expect(((await response.json()) as { version: { version: number } }).version.version).toBe(2);
    } finally {
      await runtime.close();
    }
  });

  it('answers the Python example of docs/REGISTRY.md', async () => {
    const doc = readFileSync('docs/REGISTRY.md', 'utf8');
    const script = /```python\n([\s\S]*?)```/.exec(doc)![1]!.replace('"ticket-routing"', JSON.stringify(name));
    const { stdout } = await run('python3', ['-c', script], {
      env: { ...process.env, PROMPTEVO_SERVE_KEY: KEY, PROMPTEVO_SERVE_URL: url },
    });
    const [label, version] = stdout.trim().split(' ');
    expect(labels).toContain(label);
    expect(Number(version)).toBeGreaterThan(0);
  });

  it('counts requests by program and status in /metrics', async () => {
    const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
    expect(metrics).toMatch(
      new RegExp(
        `promptevo_serve_requests_total\\{program="${name}",route="/v1/programs/:name/predict",status="200"\\} [1-9]`,
      ),
    );
    expect(metrics).toMatch(new RegExp(`promptevo_serve_requests_total\\{program="${name}",[^}]*status="401"\\} 2`));
    expect(metrics).toMatch(/promptevo_serve_request_duration_ms_count\{/);
  });

  it('refuses to start without a key unless told --no-auth', async () => {
    await expect(startServe(stack, [], { PROMPTEVO_SERVE_KEY: '' })).rejects.toThrow(/set PROMPTEVO_SERVE_KEY/);
    const open = await startServe(stack, ['--no-auth'], { PROMPTEVO_SERVE_KEY: '' });
    try {
      const response = await fetch(`${open.url}/v1/programs/${name}?version=1`);
      expect(response.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => open.child.once('exit', resolve));
      open.child.kill('SIGTERM');
      await exited;
    }
  });
});
