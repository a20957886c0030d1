// Per-model requests-per-minute and tokens-per-minute limits over a 60-second sliding window.
// A request is admitted only if both budgets have room; rejected requests do not consume budget.

const windowMs = 60_000;

interface Entry {
  at: number;
  tokens: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until enough budget frees up (only meaningful when not allowed). */
  retryAfterSeconds: number;
  headers: Record<string, string>;
}

export class SlidingWindowLimiter {
  private entries: Entry[] = [];

  constructor(
    private readonly rpm: number | undefined,
    private readonly tpm: number | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Try to admit a request that will use about `promptTokens`; returns a handle to add completion tokens. */
  admit(promptTokens: number): RateDecision & { entry?: Entry } {
    const t = this.now();
    this.entries = this.entries.filter((e) => e.at > t - windowMs);
    const usedTokens = this.entries.reduce((s, e) => s + e.tokens, 0);
    const requestsFull = this.rpm !== undefined && this.entries.length >= this.rpm;
    const tokensFull = this.tpm !== undefined && usedTokens + promptTokens > this.tpm;
    if (requestsFull || tokensFull) {
      return { allowed: false, retryAfterSeconds: this.secondsUntilRoom(t, promptTokens), headers: this.headers(t) };
    }
    const entry = { at: t, tokens: promptTokens };
    this.entries.push(entry);
    return { allowed: true, retryAfterSeconds: 0, headers: this.headers(t), entry };
  }

  /** Charge the completion tokens to the admitted request. */
  charge(entry: Entry | undefined, tokens: number): void {
    if (entry) entry.tokens += tokens;
  }

  private secondsUntilRoom(t: number, promptTokens: number): number {
    let requests = this.entries.length;
    let tokens = this.entries.reduce((s, e) => s + e.tokens, 0);
    const fits = (): boolean =>
      (this.rpm === undefined || requests < this.rpm) && (this.tpm === undefined || tokens + promptTokens <= this.tpm);
    // Entries leave the window oldest first; the answer is when enough of them have left.
    for (const e of this.entries) {
      requests -= 1;
      tokens -= e.tokens;
      if (fits()) return Math.max(1, Math.ceil((e.at + windowMs - t) / 1000));
    }
    // Even an empty window cannot fit a request larger than the whole token budget.
    return 60;
  }

  private headers(t: number): Record<string, string> {
    const out: Record<string, string> = {};
    const oldest = this.entries[0];
    const reset = oldest ? `${((oldest.at + windowMs - t) / 1000).toFixed(3)}s` : '0s';
    if (this.rpm !== undefined) {
      out['x-ratelimit-limit-requests'] = String(this.rpm);
      out['x-ratelimit-remaining-requests'] = String(Math.max(0, this.rpm - this.entries.length));
      out['x-ratelimit-reset-requests'] = reset;
    }
    if (this.tpm !== undefined) {
      const used = this.entries.reduce((s, e) => s + e.tokens, 0);
      out['x-ratelimit-limit-tokens'] = String(this.tpm);
      out['x-ratelimit-remaining-tokens'] = String(Math.max(0, this.tpm - used));
      out['x-ratelimit-reset-tokens'] = reset;
    }
    return out;
  }
}
