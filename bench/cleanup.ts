// Benchmarks start schemas, worker processes, model servers and workflows; this undoes them in
// reverse order whether the benchmark finishes, throws, or is interrupted with Ctrl-C.

export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];
  private running: Promise<void> | undefined;

  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  /** Runs the steps once; a second caller (an interrupt during a failing body) waits for the same pass. */
  run(): Promise<void> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (err) {
        console.error(`cleanup: ${step.name}: ${(err as Error).message}`);
      }
    }
  }
}

/** Open scopes, innermost last; an interrupt empties them all before the process exits. */
const active: Cleanup[] = [];
let installed = false;
let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  console.error(`\n${signal}: cleaning up`);
  void (async () => {
    for (const scope of [...active].reverse()) await scope.run();
    process.exit(130);
  })();
}

/** Runs `body` with a cleanup scope that is emptied at the end, on failure, and on SIGINT/SIGTERM. */
export async function withCleanup<T>(body: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  // Not `listenerCount`: tsx installs SIGINT/SIGTERM listeners of its own that just exit.
  if (!installed) {
    installed = true;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const cleanup = new Cleanup();
  active.push(cleanup);
  try {
    return await body(cleanup);
  } finally {
    await cleanup.run();
    active.splice(active.indexOf(cleanup), 1);
  }
}
