import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../platform/config.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the worker has logged that it polls its task queue. */
  ready: Promise<void>;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** A real worker process (`worker/main.ts`) for the given settings, as an operator would start it (tests, benchmarks). */
export function startWorkerProcess(config: Config, extraEnv: Record<string, string> = {}): WorkerProcess {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...extraEnv };
  for (const [key, value] of Object.entries(config)) env[key] = String(value);
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('"msg":"worker started"')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready:\n${log}`)));
  });
  return {
    child,
    ready,
    output: () => log,
    kill(signal) {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}
