// Fault injection. Faults are drawn from (config seed, model, per-model arrival index), never from
// the request content: a retried request arrives with a new index and gets a fresh draw, the way a
// flaky real endpoint behaves. Answers and latency, by contrast, depend on the request only.
import type { ModelConfig } from '../base/config.js';
import { Rng, seedFrom } from '../base/prng.js';

export type Fault =
  | { kind: 'none' }
  | { kind: 'server-error'; status: 500 | 503 }
  | { kind: 'hang'; ms: number }
  | { kind: 'truncated' }
  | { kind: 'malformed' };

export function drawFault(
  configSeed: number,
  model: string,
  arrivalIndex: number,
  faults: ModelConfig['faults'],
): Fault {
  const rng = new Rng(seedFrom('fault', configSeed, model, arrivalIndex));
  const u = rng.next();
  let edge = faults.serverErrorRate;
  if (u < edge) return { kind: 'server-error', status: rng.chance(0.5) ? 500 : 503 };
  edge += faults.hangRate;
  if (u < edge) return { kind: 'hang', ms: faults.hangMs };
  edge += faults.truncatedRate;
  if (u < edge) return { kind: 'truncated' };
  edge += faults.malformedRate;
  if (u < edge) return { kind: 'malformed' };
  return { kind: 'none' };
}

/**
 * Whether the request with this index (among requests that passed the context check) starts a
 * burst of injected 429s. A stream of its own, so turning bursts on leaves every other draw as it was.
 */
export function drawThrottleBurst(configSeed: number, model: string, index: number, rate: number): boolean {
  return rate > 0 && new Rng(seedFrom('throttle-burst', configSeed, model, index)).next() < rate;
}

/** Requests that meet a burst in progress; the next one after it draws again. */
export interface BurstState {
  draws: number;
  left: number;
}

/** True when this request is answered with an injected 429: it starts a burst or falls in one. */
export function inThrottleBurst(
  state: BurstState,
  configSeed: number,
  model: string,
  faults: ModelConfig['faults'],
): boolean {
  if (state.left > 0) {
    state.left--;
    return true;
  }
  if (!drawThrottleBurst(configSeed, model, state.draws++, faults.throttleBurstRate)) return false;
  state.left = faults.throttleBurstLength - 1;
  return true;
}

/** Cut a completion mid-content: what a client sees when generation stops half way through JSON. */
export function truncateContent(content: string): string {
  const cut = Math.max(1, Math.floor(content.length * 0.55));
  const truncated = content.slice(0, cut);
  // Make sure the result cannot parse as JSON even if the cut lands on a boundary.
  return truncated.trim().endsWith('}') ? truncated.trim().slice(0, -1) : truncated;
}

/** A reply that ignores the requested format entirely. */
export function malformedContent(rng: Rng): string {
  return rng.pick([
    "Sure! I'd be happy to help with that. Let me know if you have any other questions.",
    'As an AI model I think this one is hard to say, it depends on several things.',
    'Answer -> maybe the first option?? (not sure)',
  ]);
}

/** Simulated service time, deterministic per request hash. */
export function latencyMs(latency: ModelConfig['latency'], requestHash: number): number {
  const u = new Rng(seedFrom('latency', requestHash)).next();
  return Math.max(0, latency.meanMs + latency.jitterMs * (2 * u - 1));
}
