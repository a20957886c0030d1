// Per-model state held by a running server: its config, backend, rate limiter and arrival counter.
import { LlamaBackend } from '../backends/llama.js';
import { SimulatedBackend } from '../backends/simulated.js';
import type { ChatBackend } from '../backends/types.js';
import type { ModelConfig, ModelServerConfig } from '../base/config.js';
import type { BurstState } from './faults.js';
import { SlidingWindowLimiter } from './rate-limiter.js';

export interface ModelRuntime {
  name: string;
  config: ModelConfig;
  backend: ChatBackend;
  limiter: SlidingWindowLimiter;
  /** Requests admitted so far; the index of the next one seeds its fault draw. */
  arrivals: number;
  /** Injected 429 bursts: draws so far and the 429s left in the current burst. */
  burst: BurstState;
}

export function createRuntimes(config: ModelServerConfig, now: () => number = Date.now): Map<string, ModelRuntime> {
  const runtimes = new Map<string, ModelRuntime>();
  for (const [name, model] of Object.entries(config.models)) {
    const backend =
      model.backend.type === 'simulated'
        ? new SimulatedBackend(model.backend.size)
        : new LlamaBackend(name, model.backend);
    runtimes.set(name, {
      name,
      config: model,
      backend,
      limiter: new SlidingWindowLimiter(model.limits.rpm, model.limits.tpm, now),
      arrivals: 0,
      burst: { draws: 0, left: 0 },
    });
  }
  return runtimes;
}
