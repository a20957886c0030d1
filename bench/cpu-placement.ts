// Places a benchmark's processes on CPUs (Linux, util-linux `taskset`), to measure as if the
// Temporal server ran on a machine of its own — as a deployed cluster or Temporal Cloud does —
// while everything the workload itself runs on (this process and its children, PostgreSQL) shares
// the other CPUs.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { pidsOfCommand } from './memory.js';

function setAffinity(pid: number, cpus: string): void {
  // -a: every thread the process has now; threads and processes it starts later inherit it.
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

export interface Placement {
  /** What the report prints, e.g. "Temporal server on CPU 1; the workload on CPU 0". */
  describe: string;
  /** Gives every process back all CPUs. */
  restore(): void;
}

/**
 * Runs the local Temporal server (command `temporal`) on CPU `serverCpu` alone and this process and
 * PostgreSQL on the others. Call it before starting workers or model servers, so they inherit the
 * placement. Throws when the machine has fewer than two CPUs or no Temporal server runs here.
 */
export function isolateTemporalServer(serverCpu: number): Placement {
  const count = cpus().length;
  if (count < 2) throw new Error(`--server-cpu needs at least 2 CPUs; this machine has ${count}`);
  if (!Number.isInteger(serverCpu) || serverCpu < 0 || serverCpu >= count)
    throw new Error(`--server-cpu: want a CPU number from 0 to ${count - 1}, got ${serverCpu}`);
  const servers = pidsOfCommand('temporal');
  if (servers.length === 0)
    throw new Error('--server-cpu: no Temporal server process ("temporal") runs on this machine; start the stack');
  const all = `0-${count - 1}`;
  const others = Array.from({ length: count }, (_, cpu) => cpu)
    .filter((cpu) => cpu !== serverCpu)
    .join(',');
  const workload = [process.pid, ...pidsOfCommand('postgres')];
  const restore = (): void => {
    // PostgreSQL is read again: backends started since inherited the placement.
    for (const pid of [...servers, process.pid, ...pidsOfCommand('postgres')]) {
      try {
        setAffinity(pid, all);
      } catch {
        // the process has exited
      }
    }
  };
  try {
    for (const pid of servers) setAffinity(pid, String(serverCpu));
    for (const pid of workload) setAffinity(pid, others);
  } catch (err) {
    restore();
    throw new Error(`--server-cpu: could not set CPU affinity with taskset: ${(err as Error).message}`);
  }
  return { describe: `Temporal server on CPU ${serverCpu}; the workload on CPU ${others}`, restore };
}
