import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

/** The packages a CLI command loads through CommonJS before it ends, in a fresh process. */
function packagesLoadedBy(args: string[], env: Record<string, string> = {}): { exitCode: number; packages: string[] } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/support/cli-packages.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { exitCode: number; packages: string[] };
}

// The Temporal client, PostgreSQL, the HTTP server and the logger cost most of a start; a command
// loads them when it runs (client/cli.ts), so help and usage errors never do.
const HEAVY = ['@temporalio/client', '@temporalio/common', 'pg', 'fastify', 'pino', 'yaml'];

describe('CLI start-up', () => {
  it('--help loads none of the heavy packages', () => {
    const { exitCode, packages } = packagesLoadedBy(['--help']);
    expect(exitCode).toBe(0);
    expect(packages).toContain('commander');
    expect(packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('a usage error in a registry command is reported before PostgreSQL or Temporal is loaded', () => {
    const { exitCode, packages } = packagesLoadedBy(['registry', 'show', 'name:not-a-version']);
    expect(exitCode).toBe(2);
    expect(packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('a command loads what it needs when it runs', () => {
    // Nothing listens on port 1: the command loads PostgreSQL's client, is refused, and says so.
    const { exitCode, packages } = packagesLoadedBy(['registry', 'list'], {
      DATABASE_URL: 'postgres://promptevo@127.0.0.1:1/promptevo',
    });
    expect(exitCode).toBe(4);
    expect(packages).toContain('pg');
    expect(packages).not.toContain('@temporalio/client');
  });
});
