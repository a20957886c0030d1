import { EventEmitter } from 'node:events';
import { RegistryUnavailableError, UnknownVersionError } from './errors.js';
import type { SnapshotStore } from './snapshot.js';
import { describeLookup, type Lookup, type RegistrySource } from './source.js';
import type { RuntimeVersion } from './version.js';

/** Where the copy being served came from. */
export type Origin = 'registry' | 'memory' | 'snapshot' | 'fallback';

export interface CachedVersion {
  version: RuntimeVersion;
  origin: Origin;
  /** When the registry last confirmed it (ms since the epoch); 0 when it never has in this process. */
  confirmedAt: number;
  /** Set while the registry cannot be read: why, since when. */
  stale?: { reason: string; since: number };
}

/** What the cache tells its listeners; a service may log or count them. */
export interface CacheEvents {
  /** A label now resolves to another version than the one being served. */
  updated: [{ reference: string; from: RuntimeVersion; to: RuntimeVersion }];
  /** A refresh finished (whether or not the version changed). */
  refreshed: [{ reference: string; version: RuntimeVersion }];
  /** The registry could not be read; the last-known-good copy keeps serving. */
  stale: [{ reference: string; reason: string; serving: RuntimeVersion; origin: Origin }];
}

export interface CacheOptions {
  source: RegistrySource;
  snapshots?: SnapshotStore;
  /** Versions to serve on a cold start while the registry is unreachable, by `name@label` or `name:version`. */
  fallback?: Readonly<Record<string, RuntimeVersion>>;
  warn: (message: string, details: Record<string, unknown>) => void;
  now?: () => number;
}

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Label and version lookups, answered from memory. A pinned version is immutable and kept for
 * good once read. A label is looked up again in the background every TTL (`refreshAll`,
 * driven by the runtime's timer), so a label move reaches the service within the TTL plus one
 * refresh, and a request never waits on the registry once the label has been read. When the
 * registry cannot be read the last-known-good copy keeps serving with a warning: the one in
 * memory, else (cold start) the snapshot on disk, else the fallback. A name, label or version the
 * registry says does not exist fails loudly with UnknownVersionError, never a stale copy.
 */
export class VersionCache extends EventEmitter<CacheEvents> {
  private readonly entries = new Map<string, CachedVersion & { lookup: Lookup }>();
  private readonly loading = new Map<string, Promise<CachedVersion>>();
  private refreshing: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: CacheOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** The version to serve for a label or a pinned version; reads the registry only the first time. */
  async get(lookup: Lookup): Promise<CachedVersion> {
    const reference = describeLookup(lookup);
    const entry = this.entries.get(reference);
    if (entry) return entry;
    let pending = this.loading.get(reference);
    if (!pending) {
      pending = this.firstLoad(lookup, reference).finally(() => this.loading.delete(reference));
      this.loading.set(reference, pending);
    }
    return pending;
  }

  /** What is in memory, without reading anything. */
  peek(lookup: Lookup): CachedVersion | undefined {
    return this.entries.get(describeLookup(lookup));
  }

  private async firstLoad(lookup: Lookup, reference: string): Promise<CachedVersion> {
    let found: RuntimeVersion | undefined;
    try {
      found = await this.options.source.lookup(lookup);
    } catch (err) {
      return this.coldStart(lookup, reference, err);
    }
    if (!found) throw unknown(lookup, reference);
    const entry = { lookup, version: found, origin: 'registry' as const, confirmedAt: this.now() };
    this.entries.set(reference, entry);
    await this.save(lookup, found);
    return entry;
  }

  /** The registry is unreachable on the first read: the snapshot on disk, then the fallback, else an error. */
  private async coldStart(lookup: Lookup, reference: string, err: unknown): Promise<CachedVersion> {
    const reason = reasonOf(err);
    const stale = { reason, since: this.now() };
    let saved: Awaited<ReturnType<SnapshotStore['read']>>;
    try {
      saved = await this.options.snapshots?.read(lookup);
    } catch (readErr) {
      this.options.warn('registry snapshot unreadable; ignoring it', { reference, error: reasonOf(readErr) });
    }
    const fallback = this.options.fallback?.[reference];
    const copy = saved
      ? { version: saved.version, origin: 'snapshot' as const }
      : fallback
        ? { version: fallback, origin: 'fallback' as const }
        : undefined;
    if (!copy) {
      throw new RegistryUnavailableError(
        reference,
        `cannot load ${reference}: the registry is unreachable (${reason}) and there is no last-known-good copy ` +
          '(none in memory, no snapshot in snapshotDir, no fallback); check the registry connection, or give the runtime a snapshotDir or a fallback',
        { cause: err },
      );
    }
    const entry = { lookup, ...copy, confirmedAt: 0, stale };
    this.entries.set(reference, entry);
    this.warnStale(reference, reason, entry);
    return entry;
  }

  /**
   * Looks every label up again (pinned versions never change; one served from a cold-start copy
   * is confirmed too). Concurrent calls share one pass.
   */
  refreshAll(): Promise<void> {
    this.refreshing ??= this.refreshPass().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshPass(): Promise<void> {
    const due = [...this.entries.entries()].filter(([, e]) => 'label' in e.lookup || e.origin !== 'registry');
    await Promise.all(due.map(([reference, entry]) => this.refreshOne(reference, entry)));
  }

  private async refreshOne(reference: string, entry: CachedVersion & { lookup: Lookup }): Promise<void> {
    let found: RuntimeVersion | undefined;
    try {
      found = await this.options.source.lookup(entry.lookup);
    } catch (err) {
      const reason = reasonOf(err);
      entry.stale = { reason, since: entry.stale?.since ?? this.now() };
      this.warnStale(reference, reason, entry);
      return;
    }
    if (!found) {
      // The registry no longer has what is being served (a label it cannot resolve): keep serving, loudly.
      const reason = `the registry no longer resolves ${reference}`;
      entry.stale = { reason, since: entry.stale?.since ?? this.now() };
      this.warnStale(reference, reason, entry);
      return;
    }
    const previous = entry.version;
    const next = { lookup: entry.lookup, version: found, origin: 'registry' as const, confirmedAt: this.now() };
    this.entries.set(reference, next);
    if (previous.hash !== found.hash || previous.version !== found.version) {
      await this.save(entry.lookup, found);
      this.emit('updated', { reference, from: previous, to: found });
    } else if (entry.origin !== 'registry') await this.save(entry.lookup, found);
    this.emit('refreshed', { reference, version: found });
  }

  private warnStale(reference: string, reason: string, entry: CachedVersion): void {
    this.options.warn('registry unreachable; serving the last-known-good copy', {
      reference,
      version: entry.version.version,
      origin: entry.origin === 'registry' ? 'memory' : entry.origin,
      reason,
    });
    this.emit('stale', {
      reference,
      reason,
      serving: entry.version,
      origin: entry.origin === 'registry' ? 'memory' : entry.origin,
    });
  }

  private async save(lookup: Lookup, version: RuntimeVersion): Promise<void> {
    try {
      await this.options.snapshots?.save(lookup, version);
    } catch (err) {
      this.options.warn('could not write the registry snapshot', {
        reference: describeLookup(lookup),
        error: reasonOf(err),
      });
    }
  }
}

function unknown(lookup: Lookup, reference: string): UnknownVersionError {
  const message =
    'label' in lookup
      ? `${reference} is not in the registry: no version of "${lookup.name}" carries the label "${lookup.label}" (or the name is unknown); see \`promptevo registry show ${lookup.name}\``
      : `${reference} is not in the registry: "${lookup.name}" has no version ${lookup.version} (or the name is unknown); see \`promptevo registry show ${lookup.name}\``;
  return new UnknownVersionError(reference, message);
}
