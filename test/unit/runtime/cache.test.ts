import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VersionCache } from '../../../runtime/cache.js';
import { RegistryUnavailableError, UnknownVersionError } from '../../../runtime/errors.js';
import { SnapshotStore } from '../../../runtime/snapshot.js';
import { FakeRegistry, makeVersion } from './fixtures.js';

const v1 = makeVersion('router', 1);
const v2 = makeVersion('router', 2);
const production = { name: 'router', label: 'production' };

function cacheOver(registry: FakeRegistry, extra: Partial<ConstructorParameters<typeof VersionCache>[0]> = {}) {
  const warnings: { message: string; details: Record<string, unknown> }[] = [];
  const cache = new VersionCache({
    source: registry,
    warn: (message, details) => warnings.push({ message, details }),
    ...extra,
  });
  return { cache, warnings };
}

describe('the runtime cache of labels and versions', () => {
  it('reads a label once and answers from memory until a refresh', async () => {
    const registry = new FakeRegistry().add(v1).add(v2).label('router', 'production', 1);
    const { cache } = cacheOver(registry);
    expect((await cache.get(production)).version).toBe(v1);
    expect((await cache.get(production)).version).toBe(v1);
    expect(registry.lookups).toBe(1);
  });

  it('picks up a label move on refresh and says so', async () => {
    const registry = new FakeRegistry().add(v1).add(v2).label('router', 'production', 1);
    const { cache } = cacheOver(registry);
    await cache.get(production);
    const updates: number[] = [];
    cache.on('updated', ({ from, to }) => updates.push(from.version, to.version));
    registry.label('router', 'production', 2);
    await cache.refreshAll();
    expect(updates).toEqual([1, 2]);
    expect(cache.peek(production)!.version).toBe(v2);
  });

  it('keeps serving the copy in memory, with a warning, while the registry is unreachable', async () => {
    const registry = new FakeRegistry().add(v1).label('router', 'production', 1);
    const { cache, warnings } = cacheOver(registry);
    await cache.get(production);
    registry.down = true;
    const stale: string[] = [];
    cache.on('stale', ({ origin, reason }) => stale.push(`${origin}: ${reason}`));
    await cache.refreshAll();
    expect(cache.peek(production)).toMatchObject({ version: v1, stale: { reason: /ECONNREFUSED/ } });
    expect(stale).toEqual(['memory: connect ECONNREFUSED 127.0.0.1:5432']);
    expect(warnings[0]).toMatchObject({ message: /last-known-good/, details: { reference: 'router@production' } });
    registry.down = false;
    await cache.refreshAll();
    expect(cache.peek(production)!.stale).toBeUndefined();
  });

  it('keeps a pinned version for good: refreshes never read it again', async () => {
    const registry = new FakeRegistry().add(v1);
    const { cache } = cacheOver(registry);
    await cache.get({ name: 'router', version: 1 });
    await cache.refreshAll();
    await cache.refreshAll();
    expect(registry.lookups).toBe(1);
  });

  it('fails loudly for an unknown name, label or pinned version, even with copies around', async () => {
    const registry = new FakeRegistry().add(v1).label('router', 'production', 1);
    const { cache } = cacheOver(registry, { fallback: { 'router:7': v1 } });
    await expect(cache.get({ name: 'router', version: 7 })).rejects.toThrow(UnknownVersionError);
    await expect(cache.get({ name: 'router', version: 7 })).rejects.toThrow(/router:7 is not in the registry/);
    await expect(cache.get({ name: 'router', label: 'staging' })).rejects.toThrow(/carries the label "staging"/);
    await expect(cache.get({ name: 'nobody', label: 'production' })).rejects.toThrow(UnknownVersionError);
  });

  it('starts cold from the snapshot on disk, then from the fallback, else refuses naming what is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'promptevo-snap-'));
    const registry = new FakeRegistry().add(v1).label('router', 'production', 1);
    // A first process reads the registry and leaves its snapshot.
    await cacheOver(registry, { snapshots: new SnapshotStore(dir) }).cache.get(production);

    registry.down = true;
    const fromDisk = cacheOver(registry, { snapshots: new SnapshotStore(dir), fallback: { 'router@production': v2 } });
    expect(await fromDisk.cache.get(production)).toMatchObject({ version: v1, origin: 'snapshot' });
    expect(fromDisk.warnings).toHaveLength(1);

    const fromFallback = cacheOver(registry, { fallback: { 'router@production': v2 } });
    expect(await fromFallback.cache.get(production)).toMatchObject({ version: v2, origin: 'fallback' });

    const nothing = cacheOver(registry);
    await expect(nothing.cache.get(production)).rejects.toThrow(RegistryUnavailableError);
    await expect(nothing.cache.get(production)).rejects.toThrow(/no last-known-good copy/);

    // When the registry is back, a cold-start copy is replaced by what the label really points at.
    registry.down = false;
    registry.add(v2).label('router', 'production', 2);
    await fromDisk.cache.refreshAll();
    expect(fromDisk.cache.peek(production)).toMatchObject({ version: v2, origin: 'registry' });
    const saved = JSON.parse(await readFile(join(dir, 'router%40production.json'), 'utf8')) as { version: unknown };
    expect(saved.version).toEqual(v2);
  });

  it('refuses a snapshot whose content does not hash to its version', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'promptevo-snap-'));
    const registry = new FakeRegistry().add(v1).label('router', 'production', 1);
    await cacheOver(registry, { snapshots: new SnapshotStore(dir) }).cache.get(production);
    const file = join(dir, 'router%40production.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('Route ticket, v1.', 'Always answer billing.'));
    registry.down = true;
    const { cache, warnings } = cacheOver(registry, { snapshots: new SnapshotStore(dir) });
    await expect(cache.get(production)).rejects.toThrow(RegistryUnavailableError);
    expect(warnings[0]).toMatchObject({ message: /snapshot unreadable/, details: { error: /altered/ } });
  });

  it('reads the registry once for concurrent first loads of one label', async () => {
    const registry = new FakeRegistry().add(v1).label('router', 'production', 1);
    const { cache } = cacheOver(registry);
    await Promise.all([cache.get(production), cache.get(production), cache.get(production)]);
    expect(registry.lookups).toBe(1);
  });
});
