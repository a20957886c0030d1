import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RuntimeChildOptions {
  databaseUrl: string;
  schema: string;
  name: string;
  label: string;
  ttlMs: number;
  /** The model server the program's model is reached at. */
  baseUrl: string;
  snapshotDir?: string;
}

export type ChildLine = { event: string } & Record<string, unknown>;

/**
 * A service in a process of its own using the runtime (test/support/runtime-child.ts): wait for
 * its events with `next`, ask it to predict with `predict`, end it with `stop`.
 */
export function startRuntimeProcess(options: RuntimeChildOptions) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/support/runtime-child.ts'], {
    env: { ...process.env, RUNTIME_CHILD_OPTIONS: JSON.stringify(options) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: ChildLine[] = [];
  const waiters: { match: (l: ChildLine) => boolean; resolve: (l: ChildLine) => void }[] = [];
  let exited: Error | undefined;
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as ChildLine;
    const i = waiters.findIndex((w) => w.match(line));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(line);
    else lines.push(line);
  });
  const failAll = new Promise<never>((_, reject) => {
    child.on('exit', (code) => {
      exited = new Error(`runtime process exited with ${code}: ${stderr}`);
      reject(exited);
    });
  });
  failAll.catch(() => undefined);

  /** The first line (already seen or to come) that matches. */
  function next(match: (l: ChildLine) => boolean): Promise<ChildLine> {
    const i = lines.findIndex(match);
    if (i >= 0) return Promise.resolve(lines.splice(i, 1)[0]!);
    if (exited) return Promise.reject(exited);
    return Promise.race([new Promise<ChildLine>((resolve) => waiters.push({ match, resolve })), failAll]);
  }

  return {
    pid: () => child.pid,
    next,
    event: (name: string) => next((l) => l.event === name),
    async predict(inputs: Record<string, unknown>): Promise<ChildLine> {
      child.stdin!.write(`${JSON.stringify(inputs)}\n`);
      return next((l) => l.event === 'prediction' || l.event === 'error');
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      child.kill('SIGTERM');
      await done;
    },
  };
}
