// Resident memory and CPU time of processes, read from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // the process has exited
  }
}

export interface MemoryReport {
  /** Highest RSS seen per process while sampling. */
  sampledPeakMiB: Map<number, number>;
  /** The kernel's high-water mark per process (VmHWM): its whole life, start-up included. */
  lifetimePeakMiB: Map<number, number>;
  /** Highest sum of the processes' RSS at one sample. */
  peakTotalMiB: number;
  samples: number;
}

/** Current RSS of a process in MiB (0 once it has exited). */
export function rssMiB(pid: number): number {
  return (statusKb(pid, 'VmRSS') ?? 0) / 1024;
}

/** Samples the RSS of the processes `pids()` names every `intervalMs`; keeps each one's peak. */
export class RssSampler {
  private readonly peaks = new Map<number, number>();
  private readonly hwm = new Map<number, number>();
  private peakTotalKb = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pids: () => number[],
    intervalMs = 500,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    let total = 0;
    for (const pid of this.pids()) {
      const rss = statusKb(pid, 'VmRSS');
      const hwm = statusKb(pid, 'VmHWM');
      if (rss === undefined) continue;
      total += rss;
      this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, rss));
      this.hwm.set(pid, Math.max(this.hwm.get(pid) ?? 0, hwm ?? 0));
    }
    this.peakTotalKb = Math.max(this.peakTotalKb, total);
    this.samples++;
  }

  stop(): MemoryReport {
    this.sample();
    clearInterval(this.timer);
    const mib = (kb: number): number => kb / 1024;
    return {
      sampledPeakMiB: new Map([...this.peaks].map(([pid, kb]) => [pid, mib(kb)])),
      lifetimePeakMiB: new Map([...this.hwm].map(([pid, kb]) => [pid, mib(kb)])),
      peakTotalMiB: mib(this.peakTotalKb),
      samples: this.samples,
    };
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine so far (every state of /proc/stat's "cpu" line but idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (ticks.reduce((sum, t) => sum + t, 0) - idle) / 100;
}

/** The processes whose command name (`/proc/<pid>/comm`) is `comm`. */
export function pidsOfCommand(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return pids;
}

/** CPU seconds used so far by every process whose command name is `comm` (e.g. "temporal", "postgres"). */
export function cpuSecondsOfCommand(comm: string): number {
  return pidsOfCommand(comm).reduce((total, pid) => total + cpuSeconds(pid), 0);
}
