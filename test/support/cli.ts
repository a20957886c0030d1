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
