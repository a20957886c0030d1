import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// infra/setup.sh (and the Dockerfile) install with `npm ci`, which refuses a lock file that does not
// hold everything package.json and the locked packages ask for, optional packages of other
// platforms included. These checks catch such a lock file without a network.

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as LockEntry;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};

/** Where npm resolves `name` from the package at `from` (a lock key): nearest node_modules upwards. */
function resolveFrom(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (base === '') return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

describe('package-lock.json', () => {
  it('records exactly the dependencies package.json declares', () => {
    const root = lock.packages[''];
    expect(lock.lockfileVersion).toBe(3);
    expect(root?.dependencies).toEqual(pkg.dependencies);
    expect(root?.devDependencies).toEqual(pkg.devDependencies);
  });

  it("holds every locked package's dependencies, other platforms' optional packages included", () => {
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (key !== '' && !key.includes('node_modules/')) continue; // workspace links: none here
      const wanted = { ...entry.dependencies, ...entry.optionalDependencies };
      for (const [name, peer] of Object.entries(entry.peerDependencies ?? {})) {
        if (!entry.peerDependenciesMeta?.[name]?.optional) wanted[name] = peer;
      }
      for (const name of Object.keys(wanted)) {
        if (!resolveFrom(key, name)) missing.push(`${key || '(root)'} → ${name}`);
      }
    }
    // A missing optional package usually means its version was never published for that platform:
    // pin the dependent package to a release whose platform packages all exist, then `npm install`.
    expect(missing).toEqual([]);
  });
});
