import { createPool, type Db } from '../platform/db.js';
import { findLabelledVersion, findVersion } from '../storage/registry.js';
import { checkedVersion, type RuntimeVersion } from './version.js';

/** A label or a pinned version of a name. */
export type Lookup = { name: string; label: string } | { name: string; version: number };

export const describeLookup = (l: Lookup): string => ('label' in l ? `${l.name}@${l.label}` : `${l.name}:${l.version}`);

/**
 * Where the runtime reads versions: PostgreSQL (through storage/registry.ts, read-only) or a
 * `promptevo serve`. `lookup` resolves to undefined when the registry answered that there is no
 * such name, label or version, and throws when the registry could not be asked.
 */
export interface RegistrySource {
  lookup(what: Lookup): Promise<RuntimeVersion | undefined>;
  close(): Promise<void>;
}

/** Reads PostgreSQL, ideally as the read-only `promptevo_reader` role (SELECT on the registry tables only). */
export function databaseSource(options: {
  databaseUrl: string;
  schema?: string;
  poolSize?: number;
  /** How long a lookup may wait on the database (connecting, then answering); default 5 s each. */
  timeoutMs?: number;
}): RegistrySource {
  const timeoutMs = options.timeoutMs ?? 5000;
  const db: Db = createPool(
    { DATABASE_URL: options.databaseUrl, PROMPTEVO_DB_SCHEMA: options.schema ?? 'public' },
    options.poolSize ?? 2,
    { connectMs: timeoutMs, queryMs: timeoutMs },
  );
  return {
    async lookup(what) {
      const stored =
        'label' in what
          ? await findLabelledVersion(db, what.name, what.label)
          : await findVersion(db, what.name, what.version);
      return stored && { name: stored.name, version: stored.version, hash: stored.hash, content: stored.content };
    },
    close: () => db.end(),
  };
}

/** Reads through a `promptevo serve` (`GET /v1/programs/:name?label=|version=`), for services without database access. */
export function serveSource(options: { serveUrl: string; key?: string; timeoutMs?: number }): RegistrySource {
  const base = options.serveUrl.replace(/\/+$/, '');
  return {
    async lookup(what) {
      const query = 'label' in what ? `label=${encodeURIComponent(what.label)}` : `version=${what.version}`;
      const url = `${base}/v1/programs/${encodeURIComponent(what.name)}?${query}`;
      const response = await fetch(url, {
        headers: options.key ? { authorization: `Bearer ${options.key}` } : {},
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      if (response.status === 404) return undefined;
      if (!response.ok) {
        const body = await response.text().catch(() => '');
        throw new Error(`${base} answered ${response.status} for ${describeLookup(what)}: ${body.slice(0, 200)}`);
      }
      return checkedVersion(await response.json(), `${base} (${describeLookup(what)})`);
    },
    close: () => Promise.resolve(),
  };
}
