import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../platform/db.js';
import { grantReaderRole } from '../../platform/migrations.js';
import { UnknownVersionError } from '../../runtime/errors.js';
import { createRuntime, type Runtime } from '../../runtime/runtime.js';
import { openTestStack, type TestStack } from '../support/stack.js';
import { tcpProxy } from '../support/tcp-proxy.js';
import { startRuntimeProcess } from '../support/runtime-process.js';
import { publishTicketVersion, setLabel, simLarge, ticketTask, uniqueName } from '../support/registry-versions.js';

/** The local cluster's read-only role (infra/postgres.sh creates it; the stack's `up` runs that). */
const READER = 'promptevo_reader';
const labels = (ticketTask.signature.outputs.label as { values: string[] }).values;
const ticket = { ticket: 'Hello, I was charged twice for my subscription this month. Can you fix the invoice?' };

/**
 * The service runtime against the real stack: versions published in PostgreSQL, read through the
 * read-only role, answered by the local model server's sim-large.
 */
describe('the service runtime on the real stack', () => {
  let stack: TestStack;
  let readerUrl: string;
  let asReader: Db;
  const runtimes: Runtime[] = [];
  const name = uniqueName('rt-ticket');
  let snapshotDir: string;

  beforeAll(async () => {
    stack = await openTestStack('runtime');
    await grantReaderRole(stack.config, READER);
    const url = new URL(stack.config.DATABASE_URL);
    url.username = READER;
    url.password = process.env.PROMPTEVO_READER_DB_PASSWORD ?? 'promptevo_reader';
    readerUrl = url.toString();
    asReader = createPool({ DATABASE_URL: readerUrl, PROMPTEVO_DB_SCHEMA: stack.config.PROMPTEVO_DB_SCHEMA }, 1);
    snapshotDir = await mkdtemp(join(tmpdir(), 'promptevo-runtime-'));
    const v1 = await publishTicketVersion(stack.db, name, 1);
    await publishTicketVersion(stack.db, name, 2);
    await setLabel(stack.db, name, 'production', null, v1.version);
  });
  afterAll(async () => {
    for (const r of runtimes) await r.close();
    await asReader?.end();
    await stack?.close();
  });

  function runtime(databaseUrl: string, ttlMs: number, warnings: string[] = []): Runtime {
    const r = createRuntime({
      registry: { databaseUrl, schema: stack.config.PROMPTEVO_DB_SCHEMA },
      endpoints: (model) => (model === simLarge.model ? { baseUrl: simLarge.baseUrl } : undefined),
      ttlMs,
      snapshotDir,
      logger: { warn: (message) => warnings.push(message) },
      env: {},
    });
    runtimes.push(r);
    return r;
  }

  it('reads the registry as the read-only role, which can do nothing else', async () => {
    const { rows } = await asReader.query<{ user: string }>('SELECT current_user AS user');
    expect(rows[0]!.user).toBe(READER);
    await expect(asReader.query('SELECT count(*) FROM registry_versions')).resolves.toBeDefined();
    await expect(asReader.query('SELECT count(*) FROM runs')).rejects.toThrow(/permission denied/);
    await expect(asReader.query(`UPDATE registry_labels SET version = 2 WHERE name = $1`, [name])).rejects.toThrow(
      /permission denied/,
    );
  });

  it('answers with the labelled version, follows a label move within TTL + refresh, and fails loudly on a missing pin', async () => {
    const rt = runtime(readerUrl, 300);
    const program = await rt.load(name, { label: 'production' });
    const first = await program.predict(ticket);
    expect(first.version).toMatchObject({ name, version: 1 });
    expect(labels).toContain(first.outputs.label);
    expect(first.origin).toBe('registry');
    expect(first.usage.promptTokens).toBeGreaterThan(0);

    const updated = new Promise<{ to: { version: number } }>((resolve) => rt.on('updated', resolve));
    const movedAt = Date.now();
    await setLabel(stack.db, name, 'production', 1, 2);
    const event = await updated;
    expect(event.to.version).toBe(2);
    // Within the TTL plus one refresh; the refresh itself is a single small query.
    expect(Date.now() - movedAt).toBeLessThan(300 + 5_000);
    expect((await program.predict(ticket)).version.version).toBe(2);

    const pinned = await rt.load(name, { version: 1 });
    expect((await pinned.predict(ticket)).version.version).toBe(1);
    await expect(rt.load(name, { version: 99 })).rejects.toThrow(UnknownVersionError);
    await expect(rt.load(name, { version: 99 })).rejects.toThrow(new RegExp(`${name}:99 is not in the registry`));
    await expect(rt.load(name, { label: 'canary' })).rejects.toThrow(UnknownVersionError);
  });

  it('keeps answering from memory while PostgreSQL is unreachable, and picks up again when it is back', async () => {
    const db = new URL(readerUrl);
    const proxy = await tcpProxy({ host: db.hostname, port: Number(db.port || 5432) });
    try {
      db.host = `127.0.0.1:${proxy.port}`;
      const warnings: string[] = [];
      const rt = runtime(db.toString(), 200, warnings);
      const program = await rt.load(name, { label: 'production' });
      const before = await program.predict(ticket);
      expect(before).toMatchObject({ origin: 'registry', stale: false });

      const stale = new Promise<{ reason: string }>((resolve) => rt.once('stale', resolve));
      await proxy.cut();
      expect((await stale).reason).toMatch(/ECONNREFUSED|terminated|Connection/i);
      const during = await program.predict(ticket);
      expect(during).toMatchObject({ version: before.version, origin: 'memory', stale: true });
      expect(labels).toContain(during.outputs.label);
      expect(warnings).toContain('registry unreachable; serving the last-known-good copy');

      const refreshed = new Promise((resolve) => rt.once('refreshed', resolve));
      await proxy.restore();
      await refreshed;
      expect(await program.predict(ticket)).toMatchObject({
        version: before.version,
        origin: 'registry',
        stale: false,
      });
    } finally {
      await proxy.close();
    }
  });

  it('reaches a runtime in another process within TTL + refresh, without restarting it', async () => {
    await setLabel(stack.db, name, 'staging', null, 1);
    const service = startRuntimeProcess({
      databaseUrl: readerUrl,
      schema: stack.config.PROMPTEVO_DB_SCHEMA,
      name,
      label: 'staging',
      ttlMs: 300,
      baseUrl: simLarge.baseUrl,
    });
    try {
      const loaded = await service.event('loaded');
      expect(loaded.version).toBe(1);
      const pid = service.pid();
      expect((await service.predict(ticket)).version).toMatchObject({ version: 1 });
      await setLabel(stack.db, name, 'staging', 1, 2);
      expect(await service.event('updated')).toMatchObject({ from: 1, to: 2 });
      const answer = await service.predict(ticket);
      expect(answer).toMatchObject({ event: 'prediction', version: { version: 2 }, origin: 'registry' });
      expect(labels).toContain((answer.outputs as { label: string }).label);
      expect(service.pid()).toBe(pid);
    } finally {
      await service.stop();
    }
  });

  it('starts from its snapshot when the registry cannot be reached, and says so', async () => {
    // A registry that refuses connections: nothing listens on port 1.
    const unreachable = readerUrl.replace(/@[^/]+\//, '@127.0.0.1:1/');
    const warnings: string[] = [];
    const rt = runtime(unreachable, 60_000, warnings);
    const program = await rt.load(name, { label: 'production' });
    const answer = await program.predict(ticket);
    expect(answer.version.version).toBe(2); // the last version the first runtime saw
    expect(answer).toMatchObject({ origin: 'snapshot', stale: true });
    expect(labels).toContain(answer.outputs.label);
    expect(warnings).toEqual(['registry unreachable; serving the last-known-good copy']);
    await expect(rt.load(uniqueName('never-published'))).rejects.toThrow(/registry is unreachable/);
  });
});
