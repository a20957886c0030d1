import { execFile } from 'node:child_process';
import type { Config } from '../../platform/config.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliEnv(config: Config, env: Record<string, string> = {}): Record<string, string> {
  const full: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const [key, value] of Object.entries(config)) full[key] = String(value);
  return Object.assign(full, env);
}

/** Runs `bin/promptevo.js` as a separate process, as a user would. */
export function cli(config: Config, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/promptevo.js', ...args], { env: cliEnv(config, env) }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs the CLI's entry (`runCli`, what `bin/promptevo.js` calls) in this process, with the same
 * environment `cli` gives a child process, and returns what it printed and its exit code. It saves
 * a Node start-up per command (over a second on a small machine); `cli` remains for what only a
 * separate process shows (the `bin` entry, a terminal, a process that must exit). Calls must not
 * overlap: the environment and the output streams are this process's own.
 */
export async function cliInProcess(
  config: Config,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const { runCli } = await import('../../client/cli.js');
  const saved = process.env;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      callback?.();
      return true;
    };
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  process.env = cliEnv(config, env);
  process.exitCode = undefined;
  try {
    const code = await runCli(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.env = saved;
    process.exitCode = undefined;
  }
}
