// Request counting for `GET /stats` and `GET /stats/requests`. Benchmarks and tests read these to
// check sustained rates, the worst 60-second window and how many calls a run really made, and how
// many requests asked for a new prompt (meta requests) and how many of those showed task examples.

export interface RequestRecord {
  /** Milliseconds since the server started (or since the last reset). */
  t: number;
  model: string;
  /** HTTP status sent; 0 when no response was sent (hang fault or client gone). */
  status: number;
  promptTokens: number;
  completionTokens: number;
  /** Set for a meta request (one asking for a new or improved prompt): the task examples it carried. */
  metaExamples?: number;
  /** Set when an injected fault decided the answer: which one. */
  fault?: InjectedFault;
}

export type InjectedFault = 'throttle-burst' | 'context-length' | 'server-error' | 'hang' | 'truncated' | 'malformed';

export interface ModelStats {
  requests: number;
  byStatus: Record<string, number>;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Requests read as meta requests (they ask for a new or improved prompt or instruction). */
  metaRequests: number;
  /** Meta requests whose text carried at least one task example the server could read. */
  metaRequestsWithExamples: number;
}

export class StatsRecorder {
  private origin: number;
  private received = new Map<string, number>();
  private records: RequestRecord[] = [];

  constructor(private readonly now: () => number = Date.now) {
    this.origin = now();
  }

  /** Called when a request arrives, before its outcome is known. Returns its arrival time. */
  arrived(model: string): number {
    this.received.set(model, (this.received.get(model) ?? 0) + 1);
    return this.now() - this.origin;
  }

  finished(record: RequestRecord): void {
    this.records.push(record);
  }

  requests(model?: string): RequestRecord[] {
    return model === undefined ? [...this.records] : this.records.filter((r) => r.model === model);
  }

  summary(): { uptimeMs: number; models: Record<string, ModelStats> } {
    const models: Record<string, ModelStats> = {};
    const entry = (model: string): ModelStats =>
      (models[model] ??= {
        requests: 0,
        byStatus: {},
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        metaRequests: 0,
        metaRequestsWithExamples: 0,
      });
    for (const [model, count] of this.received) entry(model).requests = count;
    for (const r of this.records) {
      const m = entry(r.model);
      m.byStatus[String(r.status)] = (m.byStatus[String(r.status)] ?? 0) + 1;
      m.promptTokens += r.promptTokens;
      m.completionTokens += r.completionTokens;
      m.totalTokens += r.promptTokens + r.completionTokens;
      if (r.metaExamples !== undefined) {
        m.metaRequests++;
        if (r.metaExamples > 0) m.metaRequestsWithExamples++;
      }
    }
    return { uptimeMs: this.now() - this.origin, models };
  }

  reset(): void {
    this.origin = this.now();
    this.received.clear();
    this.records = [];
  }
}
