/**
 * Seeded PRNG (sfc32) whose whole state is four 32-bit integers, so a workflow can
 * carry it across continue-as-new and resume the exact same sequence.
 */
export interface RngState {
  a: number;
  b: number;
  c: number;
  d: number;
}

export class Rng {
  private constructor(private state: RngState) {}

  /** Seeds from any string or number; the seed is mixed so nearby seeds diverge at once. */
  static fromSeed(seed: number | string): Rng {
    let h = 1779033703 ^ String(seed).length;
    const text = String(seed);
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
      h = (h << 13) | (h >>> 19);
    }
    const next = (): number => {
      h = Math.imul(h ^ (h >>> 16), 2246822507);
      h = Math.imul(h ^ (h >>> 13), 3266489909);
      return (h ^= h >>> 16) >>> 0;
    };
    const rng = new Rng({ a: next(), b: next(), c: next(), d: next() });
    for (let i = 0; i < 12; i++) rng.nextUint32(); // warm up: the first outputs of sfc32 are weakly mixed
    return rng;
  }

  static fromState(state: RngState): Rng {
    for (const key of ['a', 'b', 'c', 'd'] as const) {
      if (!Number.isInteger(state[key]) || state[key] < 0 || state[key] > 0xffffffff) {
        throw new Error(`Rng.fromState: state.${key} must be an unsigned 32-bit integer, got ${String(state[key])}`);
      }
    }
    return new Rng({ ...state });
  }

  /** A copy of the state; pass it to `Rng.fromState` to continue the same sequence. */
  getState(): RngState {
    return { ...this.state };
  }

  nextUint32(): number {
    const s = this.state;
    const t = (((s.a + s.b) | 0) + s.d) | 0;
    s.d = (s.d + 1) | 0;
    s.a = s.b ^ (s.b >>> 9);
    s.b = (s.c + (s.c << 3)) | 0;
    s.c = (s.c << 21) | (s.c >>> 11);
    s.c = (s.c + t) | 0;
    s.a >>>= 0;
    s.b >>>= 0;
    s.c >>>= 0;
    s.d >>>= 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.float() * n);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: cannot pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A shuffled copy (Fisher-Yates); the input is left untouched. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** k distinct items in random order (all of them when k exceeds the list). */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, k));
  }

  /** Index-free weighted choice; weights must be non-negative with a positive sum. */
  weightedPick<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length !== weights.length || items.length === 0) {
      throw new Error(`Rng.weightedPick: need as many weights as items (got ${weights.length} for ${items.length})`);
    }
    const total = weights.reduce((sum, w) => sum + (w > 0 ? w : 0), 0);
    if (!(total > 0)) throw new Error('Rng.weightedPick: weights must have a positive sum');
    let target = this.float() * total;
    for (let i = 0; i < items.length; i++) {
      const w = weights[i] ?? 0;
      if (w <= 0) continue;
      target -= w;
      if (target < 0) return items[i] as T;
    }
    // Floating-point rounding can leave a sliver; fall back to the last positive weight.
    for (let i = items.length - 1; i >= 0; i--) if ((weights[i] ?? 0) > 0) return items[i] as T;
    throw new Error('unreachable');
  }
}
