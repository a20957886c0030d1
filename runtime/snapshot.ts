import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeLookup, type Lookup } from './source.js';
import { checkedVersion, type RuntimeVersion } from './version.js';

/**
 * The last-known-good copy on disk: one JSON file per label or pinned version in `dir`, written
 * whole (a temporary file renamed over the old one) each time the registry gives a new version,
 * read on a cold start while the registry is unreachable. A copy that does not hash to its
 * version is refused.
 */
export class SnapshotStore {
  constructor(private readonly dir: string) {}

  private file(what: Lookup): string {
    return join(this.dir, `${encodeURIComponent(describeLookup(what))}.json`);
  }

  async save(what: Lookup, version: RuntimeVersion): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(what);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ savedAt: new Date().toISOString(), version }, null, 2)}\n`);
    await rename(temporary, file);
  }

  /** The saved copy and when it was saved, or undefined when there is none. */
  async read(what: Lookup): Promise<{ version: RuntimeVersion; savedAt: string } | undefined> {
    const file = this.file(what);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const saved = JSON.parse(text) as { savedAt?: unknown; version?: unknown };
    return { version: checkedVersion(saved.version, file), savedAt: String(saved.savedAt) };
  }
}
