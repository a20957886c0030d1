import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `module` metrics are operator-trusted code (they load only from PROMPTEVO_MODULE_ROOTS), but
 * they still run outside the worker's process, in one child process per module and worker, with
 * an environment reduced to an allow-list: a metric, or a library it pulls in, that reads
 * `process.env` finds no API key, no DATABASE_URL and no PROMPTEVO_* setting. A crash or a hang
 * costs the call, not the worker. It is not a sandbox: the child runs as the worker's user.
 */
const HOST = fileURLToPath(new URL('./module-metric-host.ts', import.meta.url));
/** The project root: `--import tsx` (TypeScript metrics and the host itself) resolves from here. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CALL_TIMEOUT_MS = 60_000;

/** The only variables a metric's process inherits. */
const KEPT_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'NODE_ENV'];

export function scrubbedEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_ENV) {
    const value = env[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

class ModuleMetricProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  exited = false;

  constructor(
    private readonly modulePath: string,
    exportName: string,
  ) {
    this.child = fork(HOST, [modulePath, exportName], {
      env: scrubbedEnv(),
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply: Reply) => {
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.settle(reply.id);
      if (reply.ok) call.resolve(reply.value);
      else call.reject(new Error(reply.error));
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      const why = `metric module ${modulePath}: its process exited (${signal ?? `code ${code}`}) during the call`;
      for (const [id, call] of this.pending) {
        this.settle(id);
        call.reject(new Error(why));
      }
    });
    this.idle();
  }

  call(args: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`metric module ${this.modulePath} did not answer within ${CALL_TIMEOUT_MS / 1000} s`));
      }, CALL_TIMEOUT_MS);
      const done = (): void => clearTimeout(timer);
      this.pending.set(id, {
        resolve: (v) => (done(), resolve(v)),
        reject: (e) => (done(), reject(e)),
      });
      this.child.ref();
      this.child.channel?.ref();
      this.child.send({ id, args });
    });
  }

  close(): void {
    this.child.kill('SIGTERM');
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.idle();
  }

  /** An idle metric host does not keep the worker's event loop alive. */
  private idle(): void {
    this.child.unref();
    this.child.channel?.unref();
  }
}

const hosts = new Map<string, ModuleMetricProcess>();

/** Calls `exportName` of the module at `realPath` (already checked against the module roots) in its child process. */
export function callModuleMetric(realPath: string, exportName: string, args: unknown): Promise<unknown> {
  const key = `${realPath}#${exportName}`;
  let host = hosts.get(key);
  if (!host || host.exited) {
    host = new ModuleMetricProcess(realPath, exportName);
    hosts.set(key, host);
  }
  return host.call(args);
}

/** Stops every metric host of this process (tests; a worker's hosts exit with it). */
export function closeModuleMetrics(): void {
  for (const host of hosts.values()) host.close();
  hosts.clear();
}
