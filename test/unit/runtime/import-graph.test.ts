import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const entry = resolve(root, 'dist/runtime/runtime/index.js');

/** Every module the compiled entry imports, following relative imports; bare specifiers as found. */
function importGraph(start: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const todo = [start];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const spec = (match[1] ?? match[2])!;
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return { files, packages };
}

describe('the compiled runtime entry (promptevo/runtime)', () => {
  beforeAll(async () => {
    await run('npx', ['tsc', '-p', 'tsconfig.runtime.json'], { cwd: root });
  }, 120_000);

  it('imports no Temporal package and no local model runtime: only pg, openai, zod and Node', () => {
    const { files, packages } = importGraph(entry);
    expect(files.length).toBeGreaterThan(5);
    const foreign = [...packages].filter((p) => !p.startsWith('node:'));
    expect(foreign.sort()).toEqual(['openai', 'pg', 'zod']);
    expect([...packages].some((p) => p.startsWith('@temporalio') || p === 'node-llama-cpp')).toBe(false);
  });

  it('loads as a package export in a plain Node process', async () => {
    const script =
      "const m = await import('promptevo/runtime'); console.log(typeof m.createRuntime, typeof m.UnknownVersionError);";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(stdout.trim()).toBe('function function');
  });
});
