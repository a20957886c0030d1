import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedWorkflowBundle, workflowBundleKey } from '../../../worker/workflow-bundle.js';

const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
  made.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project with one workflow source and a lock file. */
function project(): string {
  const root = tempDir();
  mkdirSync(join(root, 'workflows'));
  writeFileSync(join(root, 'workflows/run.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
  return root;
}

function counter(): { build: () => Promise<{ code: string }>; calls: () => number } {
  let calls = 0;
  return {
    build: () => {
      calls += 1;
      return Promise.resolve({ code: `bundle ${calls}` });
    },
    calls: () => calls,
  };
}

describe('workflow bundle key', () => {
  it('changes when a source, a new source or the lock file changes, and ignores tests and dot-dirs', () => {
    const root = project();
    const first = workflowBundleKey(root);
    expect(workflowBundleKey(root)).toBe(first);

    mkdirSync(join(root, 'test'));
    writeFileSync(join(root, 'test/x.test.ts'), 'test');
    mkdirSync(join(root, '.data'));
    writeFileSync(join(root, '.data/y.ts'), 'data');
    expect(workflowBundleKey(root)).toBe(first);

    writeFileSync(join(root, 'workflows/run.ts'), 'export const a = 2;\n');
    const edited = workflowBundleKey(root);
    expect(edited).not.toBe(first);

    mkdirSync(join(root, 'core'));
    writeFileSync(join(root, 'core/new.ts'), 'export const b = 1;\n');
    const added = workflowBundleKey(root);
    expect(added).not.toBe(edited);

    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3,"x":1}\n');
    expect(workflowBundleKey(root)).not.toBe(added);
  });
});

describe('cached workflow bundle', () => {
  it('builds once, then reads the stored bundle; a source change builds again', async () => {
    const root = project();
    const cache = join(tempDir(), 'bundles');
    const { build, calls } = counter();

    expect(await cachedWorkflowBundle(cache, { projectRoot: root, build })).toEqual({
      code: 'bundle 1',
      cached: false,
    });
    expect(await cachedWorkflowBundle(cache, { projectRoot: root, build })).toEqual({ code: 'bundle 1', cached: true });
    expect(calls()).toBe(1);

    writeFileSync(join(root, 'workflows/run.ts'), 'export const a = 3;\n');
    expect(await cachedWorkflowBundle(cache, { projectRoot: root, build })).toEqual({
      code: 'bundle 2',
      cached: false,
    });
    expect(readdirSync(cache).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the newest three bundles', async () => {
    const root = project();
    const cache = join(tempDir(), 'bundles');
    const { build } = counter();
    const base = Date.now() / 1000 - 3600;
    const names: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      writeFileSync(join(root, 'workflows/run.ts'), `export const a = ${i};\n`);
      await cachedWorkflowBundle(cache, { projectRoot: root, build });
      const name = `workflows-${workflowBundleKey(root)}.js`;
      names.push(name);
      // One minute apart, as bundles written across restarts would be.
      utimesSync(join(cache, name), base + i * 60, base + i * 60);
    }
    expect(readdirSync(cache).sort()).toEqual(names.slice(2).sort());
  });

  it('still returns a bundle when the cache cannot be written, and says why', async () => {
    const root = project();
    // A regular file where the cache's parent directory should be: no user, root included, can write there.
    const parent = join(tempDir(), 'not-a-directory');
    writeFileSync(parent, '');
    const notes: string[] = [];
    const { build } = counter();
    const result = await cachedWorkflowBundle(join(parent, 'bundles'), {
      projectRoot: root,
      build,
      onNote: (message) => notes.push(message),
    });
    expect(result).toEqual({ code: 'bundle 1', cached: false });
    expect(notes.join('\n')).toMatch(/workflow bundle not cached in .*bundles/);
  });
});
