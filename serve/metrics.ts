/**
 * Request metrics of `promptevo serve`, in Prometheus' text format: requests by program and
 * status, and their latency (sum, count and cumulative buckets in milliseconds).
 */
const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

interface Series {
  program: string;
  route: string;
  status: number;
  count: number;
  sumMs: number;
  buckets: number[];
}

export class ServeMetrics {
  private readonly series = new Map<string, Series>();

  observe(program: string, route: string, status: number, ms: number): void {
    const key = `${program}\u0000${route}\u0000${status}`;
    let s = this.series.get(key);
    if (!s) {
      s = { program, route, status, count: 0, sumMs: 0, buckets: BUCKETS_MS.map(() => 0) };
      this.series.set(key, s);
    }
    s.count++;
    s.sumMs += ms;
    BUCKETS_MS.forEach((bound, i) => {
      if (ms <= bound) s.buckets[i]!++;
    });
  }

  /** Requests seen for a program and status (all routes). */
  count(program: string, status: number): number {
    let n = 0;
    for (const s of this.series.values()) if (s.program === program && s.status === status) n += s.count;
    return n;
  }

  text(): string {
    const lines = [
      '# HELP promptevo_serve_requests_total Requests answered, by program, route and HTTP status.',
      '# TYPE promptevo_serve_requests_total counter',
    ];
    const all = [...this.series.values()];
    for (const s of all) lines.push(`promptevo_serve_requests_total{${labels(s)}} ${s.count}`);
    lines.push(
      '# HELP promptevo_serve_request_duration_ms Time to answer a request, in milliseconds.',
      '# TYPE promptevo_serve_request_duration_ms histogram',
    );
    for (const s of all) {
      BUCKETS_MS.forEach((bound, i) =>
        lines.push(`promptevo_serve_request_duration_ms_bucket{${labels(s)},le="${bound}"} ${s.buckets[i]}`),
      );
      lines.push(`promptevo_serve_request_duration_ms_bucket{${labels(s)},le="+Inf"} ${s.count}`);
      lines.push(`promptevo_serve_request_duration_ms_sum{${labels(s)}} ${Math.round(s.sumMs * 1000) / 1000}`);
      lines.push(`promptevo_serve_request_duration_ms_count{${labels(s)}} ${s.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (s: Series): string => `program="${escape(s.program)}",route="${escape(s.route)}",status="${s.status}"`;
