// A model server of the benchmark's own (port 0): its latency is chosen per benchmark and its
// request counters see only this benchmark's traffic.
import { parseModelServerConfig } from '../infra/model-server/config.js';
import { startModelServer, type ModelServer } from '../infra/model-server/server.js';
import type { TaskSpec } from '../core/task/spec-schema.js';

export interface SimServerOptions {
  latencyMs: number;
  jitterMs?: number;
  /** Server-enforced requests per minute; unset means unlimited. */
  rpm?: number;
}

/** sim-large and sim-small with the same latency, the server's seed fixed so answers repeat. */
export function startSimServer(options: SimServerOptions): Promise<ModelServer> {
  const model = (size: 'large' | 'small') => ({
    backend: { type: 'simulated', size },
    latency: { meanMs: options.latencyMs, jitterMs: options.jitterMs ?? 0 },
    ...(options.rpm ? { limits: { rpm: options.rpm } } : {}),
  });
  const config = parseModelServerConfig(
    { seed: 1, models: { 'sim-large': model('large'), 'sim-small': model('small') } },
    'benchmark model server',
  );
  return startModelServer(config, { port: 0 });
}

/** Points every model of a spec at the server, with endpoint overrides (e.g. maxConcurrency). */
export function pointAt(server: ModelServer, overrides: Record<string, unknown> = {}) {
  return (spec: TaskSpec): TaskSpec => ({
    ...spec,
    models: Object.fromEntries(
      Object.entries(spec.models).map(([name, model]) => [
        name,
        { ...model, baseUrl: `${server.url}/v1`, ...overrides },
      ]),
    ),
  });
}

/** Completion requests the server has received so far (every status, every model). */
export function receivedRequests(server: ModelServer): number {
  return Object.values(server.stats.summary().models).reduce((n, m) => n + m.requests, 0);
}
