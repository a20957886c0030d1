// CLI start-up: the wall time of CLI commands that need no stack (help, a usage error, a Temporal UI
// link), on this checkout and on an earlier commit side by side. The commit is checked out as a
// detached git worktree under .data/ that shares this checkout's node_modules; the two versions
// alternate, each command is repeated, and the median is reported with the ratio.
// Usage: npm run bench:cli-start -- --base <commit> [--repeats 7]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../model-server/base/config.js';
import { withCleanup } from './cleanup.js';
import { fixed, intFlag, markdownTable, median, printHeader } from './report.js';

const { values } = parseArgs({
  options: { base: { type: 'string' }, repeats: { type: 'string', default: '7' } },
});
if (!values.base) throw new Error('--base <commit>: the commit to compare this checkout with, e.g. HEAD~1');
const repeats = intFlag(values, 'repeats');
const base = execFileSync('git', ['rev-parse', '--short', values.base], { cwd: repoRoot, encoding: 'utf8' }).trim();

/** Commands that need neither Temporal nor PostgreSQL, with the exit code each must end with. */
const COMMANDS: { args: string[]; exit: number }[] = [
  { args: ['--help'], exit: 0 },
  { args: ['registry', 'show', 'name:not-a-version'], exit: 2 },
  { args: ['ui', 'some-run'], exit: 0 },
  { args: ['status'], exit: 2 },
];

function timeCommand(root: string, args: string[], exit: number): number {
  const started = performance.now();
  const done = spawnSync(process.execPath, [path.join(root, 'bin/promptevo.js'), ...args], { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (done.status !== exit)
    throw new Error(`promptevo ${args.join(' ')} in ${root} exited ${done.status}, want ${exit}: ${done.stderr}`);
  return ms;
}

await withCleanup((cleanup) => {
  const worktree = path.join(repoRoot, '.data', `bench-cli-start-${base}`);
  if (existsSync(worktree)) rmSync(worktree, { recursive: true, force: true });
  execFileSync('git', ['worktree', 'add', '--detach', '--force', worktree, base], { cwd: repoRoot, stdio: 'ignore' });
  cleanup.add('worktree', () =>
    Promise.resolve(
      execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: repoRoot, stdio: 'ignore' }),
    ),
  );
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(worktree, 'node_modules'));

  printHeader('CLI start-up', { base, repeats });
  const rows: (string | number)[][] = [];
  for (const { args, exit } of COMMANDS) {
    const times = { base: [] as number[], head: [] as number[] };
    // One untimed run each first: tsx's compile cache is then warm for both versions.
    timeCommand(worktree, args, exit);
    timeCommand(repoRoot, args, exit);
    for (let i = 0; i < repeats; i++) {
      times.base.push(timeCommand(worktree, args, exit));
      times.head.push(timeCommand(repoRoot, args, exit));
    }
    const [b, h] = [median(times.base), median(times.head)];
    rows.push([`promptevo ${args.join(' ')}`, fixed(b / 1000, 2), fixed(h / 1000, 2), fixed(h / b, 2)]);
  }
  console.log(markdownTable(['command', `${base} (s, median)`, 'this checkout (s, median)', 'ratio'], rows));
  return Promise.resolve();
});
