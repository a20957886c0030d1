import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../contracts/index.js';
import { versionHash } from '../../core/registry/version.js';
import { grantReaderRole } from '../../platform/migrations.js';
import { findVersion, publishVersion } from '../../storage/registry.js';
import { cli } from '../support/cli.js';
import { uniqueName } from '../support/registry-versions.js';
import { startRuntimeProcess } from '../support/runtime-process.js';
import { useWorkerStack } from '../support/stack.js';

function postgres(command: 'start' | 'stop'): void {
  execFileSync('bash', ['infra/postgres.sh', command], { stdio: 'pipe' });
}

const conversation = {
  conversation:
    'The customer wrote about a refund for a tour and started out angry. The seller first replied after 2 hours. ' +
    'The seller apologised for the trouble. By the end the customer was satisfied and the issue was resolved. ' +
    '5 messages were exchanged.',
};

/**
 * From a run to production on the local stack, as a user does it: run → publish → a gated
 * promotion that passes for a clearly better challenger and one that refuses an equal challenger →
 * a service in another process picks up the new version without restarting → PostgreSQL stopped →
 * the service keeps answering from its last good copy → rollback restores the previous version.
 */
describe('from a run to production', () => {
  const ctx = useWorkerStack('registry_e2e');
  // Promotion ids (`promote-<name>-<n>`) are unique in the Temporal namespace, which outlives a test's schema.
  const name = uniqueName('seller-score');
  let result: RunResult;
  let service: ReturnType<typeof startRuntimeProcess> | undefined;

  const json = async <T>(args: string[], expectedCode = 0): Promise<T> => {
    const out = await cli(ctx.stack.config, [...args, '--json'], { PROMPTEVO_IDENTITY: 'release-bot' });
    expect(out.code, `${args.join(' ')}: ${out.stderr}${out.stdout}`).toBe(expectedCode);
    return JSON.parse(out.stdout) as T;
  };

  beforeAll(async () => {
    const runId = `registry-e2e-${Date.now()}`;
    const run = await cli(ctx.stack.config, [
      'run',
      'examples/seller-score/task.yaml',
      '--wait',
      '--json',
      '--run-id',
      runId,
    ]);
    expect(run.code, run.stderr).toBe(0);
    result = JSON.parse(run.stdout) as RunResult;
    expect(result.best.test!).toBeGreaterThan(result.baseline.test! + 0.2);
  });

  afterAll(async () => {
    await service?.stop();
    postgres('start');
  });

  it('publishes the seed and the best; the first production label needs no gate', async () => {
    const seed = await json<{ version: number }>([
      'registry',
      'publish',
      result.runId,
      '--name',
      name,
      '--hash',
      result.baseline.hash.slice(0, 12),
    ]);
    expect(seed.version).toBe(1);
    const first = await json<{ how: string; to: number }>(['registry', 'promote', `${name}:1`]);
    expect(first).toMatchObject({ how: 'first', to: 1 });
    const best = await json<{ version: number }>(['registry', 'publish', result.runId, '--name', name]);
    expect(best.version).toBe(2);
  });

  it('a service in another process answers with the production version, read with the read-only role', async () => {
    const reader = 'promptevo_reader';
    await grantReaderRole(ctx.stack.config, reader);
    const url = new URL(ctx.stack.config.DATABASE_URL);
    url.username = reader;
    url.password = process.env.PROMPTEVO_READER_DB_PASSWORD ?? 'promptevo_reader';
    service = startRuntimeProcess({
      databaseUrl: url.toString(),
      schema: ctx.stack.config.PROMPTEVO_DB_SCHEMA,
      name,
      label: 'production',
      ttlMs: 500,
      baseUrl: 'http://127.0.0.1:8787/v1',
      snapshotDir: await mkdtemp(join(tmpdir(), 'promptevo-e2e-')),
    });
    expect(await service.event('loaded')).toMatchObject({ version: 1 });
    const answer = await service.predict(conversation);
    expect(answer).toMatchObject({ event: 'prediction', version: { version: 1 } });
  });

  it('a clearly better challenger passes the gate, and the running service picks it up', async () => {
    const outcome = await json<{
      status: string;
      labelMoved: boolean;
      decision: { verdict: { pValue: number; n: number } };
    }>(['registry', 'promote', `${name}:2`, '--reason', 'better on the held-out split']);
    expect(outcome).toMatchObject({ status: 'promoted', labelMoved: true });
    expect(outcome.decision.verdict.pValue).toBeLessThan(0.05);
    expect(outcome.decision.verdict.n).toBeGreaterThanOrEqual(30);
    expect(await service!.event('updated')).toMatchObject({ from: 1, to: 2 });
    expect(await service!.predict(conversation)).toMatchObject({ event: 'prediction', version: { version: 2 } });
  });

  it('an equal challenger is refused as not significant, and the label stays', async () => {
    const best = (await findVersion(ctx.stack.db, name, 2))!;
    // The same prompt with a larger token cap scores the same: no better, no worse.
    const content = { ...best.content, decoding: { ...best.content.decoding, maxTokens: 512 } };
    const { version } = await publishVersion(ctx.stack.db, { ...best, hash: versionHash(content), content });
    const outcome = await json<{ status: string; labelMoved: boolean; decision: { verdict: { reasons: string[] } } }>(
      ['registry', 'promote', `${name}:${version.version}`],
      1,
    );
    expect(outcome).toMatchObject({ status: 'refused', labelMoved: false });
    expect(outcome.decision.verdict.reasons).toContain('not_significant');
    expect(await json<{ version: number }>(['registry', 'show', `${name}@production`])).toMatchObject({ version: 2 });
  });

  it('with PostgreSQL stopped the service keeps answering from its last good copy', async () => {
    postgres('stop');
    try {
      expect(await service!.event('stale')).toMatchObject({ origin: 'memory' });
      expect(await service!.predict(conversation)).toMatchObject({ event: 'prediction', version: { version: 2 } });
    } finally {
      postgres('start');
    }
  });

  it('rollback moves production back at once, and the service follows', async () => {
    const moved = await json<{ how: string; from: number; to: number }>([
      'registry',
      'rollback',
      name,
      '--reason',
      'incident drill',
    ]);
    expect(moved).toMatchObject({ how: 'rollback', from: 2, to: 1 });
    expect(await service!.next((l) => l.event === 'updated' && l.to === 1)).toMatchObject({ from: 2, to: 1 });
    expect(await service!.predict(conversation)).toMatchObject({ event: 'prediction', version: { version: 1 } });
    const history = await json<{ how: string; by: string }[]>(['registry', 'history', name]);
    expect(history.map((m) => m.how)).toEqual(['first', 'promote', 'rollback']);
    expect(history.every((m) => m.by === 'release-bot')).toBe(true);
  });
});
