// Resident memory of processes, sampled from /proc (Linux).
import { readFileSync } from 'node:fs';

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // the process has exited
  }
}

/** Samples the RSS of the processes `pids()` names every `intervalMs`; keeps each one's peak. */
export class RssSampler {
  private readonly peaks = new Map<number, number>();
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
      // The kernel's own high-water mark catches peaks between samples.
      const hwm = statusKb(pid, 'VmHWM');
      if (rss === undefined) continue;
      total += rss;
      this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, rss, hwm ?? 0));
    }
    this.peakTotalKb = Math.max(this.peakTotalKb, total);
    this.samples++;
  }

  stop(): { perProcessMiB: Map<number, number>; peakTotalMiB: number; samples: number } {
    this.sample();
    clearInterval(this.timer);
    const mib = (kb: number): number => kb / 1024;
    return {
      perProcessMiB: new Map([...this.peaks].map(([pid, kb]) => [pid, mib(kb)])),
      peakTotalMiB: mib(this.peakTotalKb),
      samples: this.samples,
    };
  }
}
