import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelCallRequest, ModelCallResult } from '../../../activities/model-gateway.js';
import { gatewayCall, programRunner } from '../../../activities/program-runner.js';
import { metricFromSpec } from '../../../core/index.js';
import { resolveDemos } from '../../../core/genome/render.js';
import type { ModelSpec } from '../../../core/task/model-spec.js';
import { createRuntime, type RuntimeOptions } from '../../../runtime/runtime.js';
import { EndpointError, InputError, UnknownVersionError } from '../../../runtime/errors.js';
import type { RuntimeVersion } from '../../../runtime/version.js';
import { captureServer } from './capture-server.js';
import { FakeRegistry, makeVersion } from './fixtures.js';
import { versionHash } from '../../../core/registry/version.js';

let server: Awaited<ReturnType<typeof captureServer>>;
let answer = '{"label":"technical","confidence":8}';
beforeAll(async () => {
  server = await captureServer(() => answer);
});
afterAll(() => server.close());

const inputs = { ticket: 'The app crashes\non start', priority: 3 };

function runtimeOver(registry: FakeRegistry, extra: Partial<RuntimeOptions> = {}) {
  const warnings: string[] = [];
  const runtime = createRuntime({
    registry: { source: registry },
    endpoints: (model) => (model === 'sim-large' ? { baseUrl: server.baseUrl } : undefined),
    logger: { warn: (message) => warnings.push(message) },
    env: {},
    ...extra,
  });
  return { runtime, warnings };
}

/** What the workers' evaluation sends for the same version and inputs: the gateway's request, captured. */
async function evaluatorRequest(version: RuntimeVersion): Promise<ModelCallRequest> {
  const requests: ModelCallRequest[] = [];
  const gateway = {
    call(req: ModelCallRequest): Promise<ModelCallResult> {
      requests.push(req);
      return Promise.resolve({
        content: answer,
        promptTokens: 1,
        completionTokens: 1,
        latencyMs: 1,
        costUsd: 0,
        cached: false,
      });
    },
  };
  const { content } = version;
  const endpoint = {
    baseUrl: 'http://127.0.0.1:8787/v1',
    model: content.model,
    maxTokens: content.decoding.maxTokens,
    structuredOutput: content.decoding.structuredOutput,
  } as ModelSpec;
  const run = programRunner({
    program: {
      signature: content.signature,
      genome: content.genome,
      demos: resolveDemos(content.genome.demos, new Map()),
    },
    call: gatewayCall(gateway, { runId: 'r', generation: 0, purpose: 'test', modelName: 'sim-large', endpoint }),
    structuredOutput: content.decoding.structuredOutput,
    metric: metricFromSpec({ kind: 'exact_match', field: 'label', caseSensitive: false }, content.signature),
  });
  await run({ id: 'e1', inputs, outputs: { label: 'technical', confidence: 8 } });
  return requests[0]!;
}

describe('the service runtime', () => {
  it.each([
    ['direct, structured output', makeVersion('parity', 1)],
    ['think with reasoning demos, no structured output', thinkVersion()],
  ])('sends byte-for-byte the request evaluation sends (%s)', async (_, version) => {
    const registry = new FakeRegistry().add(version).label('parity', 'production', version.version);
    const { runtime } = runtimeOver(registry);
    const program = await runtime.load('parity');
    const before = server.bodies.length;
    await program.predict(inputs);
    const sent = server.bodies[before]!.json;
    const evaluated = await evaluatorRequest(version);

    expect(JSON.stringify(sent.messages)).toBe(JSON.stringify(evaluated.messages));
    expect(JSON.stringify(sent.response_format ?? null)).toBe(JSON.stringify(evaluated.responseFormat ?? null));
    expect(sent.temperature).toBe(evaluated.temperature);
    expect(sent.max_tokens).toBe(version.content.decoding.maxTokens);
    expect(sent.model).toBe(version.content.model);
    expect(sent.seed).toBeUndefined();
    expect(evaluated.seed).toBeUndefined();
    await runtime.close();
  });

  it('returns the outputs with what clean-up adjusted and which version answered', async () => {
    const v1 = makeVersion('router', 1);
    const { runtime } = runtimeOver(new FakeRegistry().add(v1).label('router', 'production', 1));
    const program = await runtime.load('router');
    answer = '{"label":"Technical team","confidence":14}';
    try {
      const prediction = await program.predict(inputs);
      expect(prediction).toMatchObject({
        outputs: { label: 'technical', confidence: 10 },
        adjustments: ['label "Technical team" read as "technical"', 'confidence 14 clamped to 10'],
        version: { name: 'router', version: 1, hash: v1.hash },
        origin: 'registry',
        stale: false,
        raw: answer,
        usage: { promptTokens: 11, completionTokens: 3 },
      });
    } finally {
      answer = '{"label":"technical","confidence":8}';
    }
    await runtime.close();
  });

  it('follows a label move within the TTL plus one refresh, without reloading', async () => {
    const registry = new FakeRegistry().add(makeVersion('router', 1)).add(makeVersion('router', 2));
    registry.label('router', 'production', 1);
    const { runtime } = runtimeOver(registry, { ttlMs: 50 });
    const program = await runtime.load('router', { label: 'production' });
    expect((await program.predict(inputs)).version.version).toBe(1);
    const moved = new Promise((resolve) => runtime.on('updated', resolve));
    registry.label('router', 'production', 2);
    await moved;
    expect((await program.predict(inputs)).version.version).toBe(2);
    await runtime.close();
  });

  it('fails loudly for a pinned version that does not exist', async () => {
    const { runtime } = runtimeOver(new FakeRegistry().add(makeVersion('router', 1)));
    await expect(runtime.load('router', { version: 9 })).rejects.toThrow(UnknownVersionError);
    await expect(runtime.load('router', { version: 9 })).rejects.toThrow(/"router" has no version 9/);
    await expect(runtime.load('router', { version: 0 })).rejects.toThrow(/positive whole number/);
    await runtime.close();
  });

  it('refuses a fallback whose content does not hash to its version, before opening anything', () => {
    const v1 = makeVersion('router', 1);
    const edited = { ...v1, content: { ...v1.content, model: 'another-model' } };
    expect(() => runtimeOver(new FakeRegistry(), { fallback: { 'router@production': edited } })).toThrow(
      /fallback\["router@production"\]: content of router:1 hashes to .*; the copy was altered/,
    );
    expect(() => runtimeOver(new FakeRegistry(), { ttlMs: 0 })).toThrow(/ttlMs must be a positive number/);
  });

  it('refuses inputs that do not fit the signature, naming the fields', async () => {
    const { runtime } = runtimeOver(new FakeRegistry().add(makeVersion('router', 1)).label('router', 'production', 1));
    const program = await runtime.load('router');
    await expect(program.predict({ ticket: 'x' })).rejects.toThrow(InputError);
    await expect(program.predict({ ticket: 'x', priority: 'high', extra: 1 })).rejects.toThrow(
      /"extra" is not an input of the signature; "priority": expected a number, got "high"/,
    );
    await runtime.close();
  });

  it('applies the key/host policy: a key goes only to the hosts it is bound to', async () => {
    const registry = new FakeRegistry().add(makeVersion('router', 1)).label('router', 'production', 1);
    const env = { PROMPTEVO_KEY_LOCAL: 'local-secret-value', DATABASE_URL: 'postgres://u:p@h/db' };
    const endpoints = (apiKeyEnv: string) => () => ({ baseUrl: server.baseUrl, apiKeyEnv });

    const unbound = runtimeOver(registry, { env, endpoints: endpoints('PROMPTEVO_KEY_LOCAL') });
    const refused = (await unbound.runtime.load('router')).predict(inputs);
    await expect(refused).rejects.toThrow(EndpointError);
    await expect(refused).rejects.toThrow(/PROMPTEVO_KEY_LOCAL is bound to no host/);

    const notAKey = runtimeOver(registry, { env, endpoints: endpoints('DATABASE_URL') });
    await expect((await notAKey.runtime.load('router')).predict(inputs)).rejects.toThrow(
      /may not be used as an API key/,
    );

    const bound = runtimeOver(registry, {
      env,
      endpoints: endpoints('PROMPTEVO_KEY_LOCAL'),
      policy: { keyPrefix: 'PROMPTEVO_KEY_', keyHosts: `PROMPTEVO_KEY_LOCAL=127.0.0.1:${server.port}` },
    });
    const before = server.bodies.length;
    await (await bound.runtime.load('router')).predict(inputs);
    expect(server.bodies[before]!.authorization).toBe('Bearer local-secret-value');

    const unmapped = runtimeOver(registry, { endpoints: () => undefined });
    await expect((await unmapped.runtime.load('router')).predict(inputs)).rejects.toThrow(
      /no endpoint is configured for model "sim-large"/,
    );
    for (const r of [unbound, notAKey, bound, unmapped]) await r.runtime.close();
  });
});

function thinkVersion(): RuntimeVersion {
  const base = makeVersion('parity', 2);
  const content = {
    ...base.content,
    genome: {
      ...base.content.genome,
      sections: { ...base.content.genome.sections, reasoning: 'think' as const },
      demos: [
        {
          kind: 'trace' as const,
          inputs: { ticket: 'Refund "please"\n  thanks', priority: 1 },
          outputs: { label: 'escalation', confidence: 6 },
          reasoning: 'An old order: escalate.',
        },
      ],
    },
    decoding: { temperature: 0, structuredOutput: false },
  };
  return { ...base, content, hash: versionHash(content) };
}
