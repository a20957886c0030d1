import { parseModelServerConfig } from '../../infra/model-server/config.js';
import { startModelServer, type ModelServer } from '../../infra/model-server/server.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';

/** A model server of the test's own (port 0), so its request counters see only this test's traffic. */
export async function startTestModelServer(config: unknown): Promise<ModelServer> {
  return startModelServer(parseModelServerConfig(config, 'test model server'), { port: 0 });
}

export const simModels = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  'sim-large': { backend: { type: 'simulated', size: 'large' }, latency: { meanMs: 2, jitterMs: 1 }, ...extra },
  'sim-small': { backend: { type: 'simulated', size: 'small' }, latency: { meanMs: 2, jitterMs: 1 }, ...extra },
});

/** Points every model of a spec at `baseUrl` (the `/v1` root of a test server), with endpoint overrides. */
export function pointAt(baseUrl: string, overrides: Record<string, unknown> = {}) {
  return (spec: TaskSpec): TaskSpec => ({
    ...spec,
    models: Object.fromEntries(
      Object.entries(spec.models).map(([name, model]) => [name, { ...model, baseUrl, ...overrides }]),
    ),
  });
}

export function totalRequests(server: ModelServer): number {
  return Object.values(server.stats.summary().models).reduce((n, m) => n + m.requests, 0);
}
