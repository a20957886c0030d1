import type OpenAI from 'openai';
import { resolveDemos } from '../core/genome/render.js';
import { answerWithProgram } from '../core/program/answer.js';
import type { Program as CoreProgram } from '../core/program/program.js';
import { assertLabel, assertName, DEFAULT_LABEL } from '../core/registry/reference.js';
import { coerceInput } from '../core/task/coerce.js';
import { VersionCache, type CacheEvents, type CachedVersion, type Origin } from './cache.js';
import {
  callEndpoint,
  clientFor,
  keyPolicyFromEnv,
  resolveEndpoint,
  type EndpointMap,
  type KeyPolicy,
} from './endpoint.js';
import { AnswerError, EndpointError, InputError, ReferenceFormatError } from './errors.js';
import { SnapshotStore } from './snapshot.js';
import { databaseSource, serveSource, type Lookup, type RegistrySource } from './source.js';
import { checkedVersion, type RuntimeVersion } from './version.js';

export interface RuntimeLogger {
  warn(message: string, details: Record<string, unknown>): void;
}

export interface RuntimeOptions {
  /** PostgreSQL (a read-only role is enough: `promptevo_reader`), or a `promptevo serve`. */
  registry:
    | {
        databaseUrl: string;
        schema?: string;
        /** per lookup, connecting and answering; default 5 s */ timeoutMs?: number;
      }
    | { serveUrl: string; key?: string; timeoutMs?: number }
    | { source: RegistrySource };
  /** A version's model id → where this service reaches it. */
  endpoints: EndpointMap;
  /** How long a label lookup is trusted before it is refreshed in the background; default 30 s. */
  ttlMs?: number;
  /** Where last-known-good copies are kept on disk for a cold start without the registry. */
  snapshotDir?: string;
  /** Versions bundled with the service for a cold start, keyed `name@label` or `name:version`. */
  fallback?: Record<string, RuntimeVersion>;
  logger?: RuntimeLogger;
  /** The key/host policy; default PROMPTEVO_KEY_PREFIX and PROMPTEVO_KEY_HOSTS from `env`. */
  policy?: KeyPolicy;
  /** Where keys are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** What `predict` returns: the outputs, what clean-up changed, and which version answered. */
export interface Prediction {
  outputs: Record<string, unknown>;
  reasoning?: string;
  /** What was changed to fit the signature (a clamped number, a near-miss enum value); empty when nothing. */
  adjustments: string[];
  version: { name: string; version: number; hash: string };
  /** Where that version came from: the registry, or a last-known-good copy while it is unreachable. */
  origin: Origin;
  stale: boolean;
  /** The model's reply text. */
  raw: string;
  usage: { promptTokens: number; completionTokens: number; latencyMs: number };
}

export interface LoadedProgram {
  readonly name: string;
  /** The label followed, or the pinned version. */
  readonly reference: string;
  /** The version currently served (a label's may change on refresh). */
  current(): RuntimeVersion;
  predict(inputs: Record<string, unknown>): Promise<Prediction>;
}

export interface Runtime {
  load(name: string, which?: { label: string } | { version: number }): Promise<LoadedProgram>;
  /** Look every label up now instead of waiting for the TTL. */
  refresh(): Promise<void>;
  on<E extends keyof CacheEvents>(event: E, listener: (...args: CacheEvents[E]) => void): Runtime;
  once<E extends keyof CacheEvents>(event: E, listener: (...args: CacheEvents[E]) => void): Runtime;
  off<E extends keyof CacheEvents>(event: E, listener: (...args: CacheEvents[E]) => void): Runtime;
  close(): Promise<void>;
}

const stderrLogger: RuntimeLogger = {
  warn: (message, details) =>
    process.stderr.write(`${JSON.stringify({ level: 'warn', name: 'promptevo-runtime', message, ...details })}\n`),
};

function sourceOf(registry: RuntimeOptions['registry']): RegistrySource {
  if ('source' in registry) return registry.source;
  if ('serveUrl' in registry) return serveSource(registry);
  return databaseSource(registry);
}

/**
 * The registry's programs for a Node service: `load` a name by label or pinned version, then
 * `predict`. The answer is made exactly as evaluation made it: the same messages
 * (core/program/request.ts), the same decoding, the same parser and clean-up. See docs/REGISTRY.md.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const logger = options.logger ?? stderrLogger;
  const env = options.env ?? process.env;
  const policy = options.policy ?? keyPolicyFromEnv(env);
  const ttlMs = options.ttlMs ?? 30_000;
  if (!(ttlMs > 0)) throw new Error(`createRuntime: ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
  const fallback = Object.fromEntries(
    Object.entries(options.fallback ?? {}).map(([ref, v]) => [ref, checkedVersion(v, `fallback["${ref}"]`)]),
  );
  const source = sourceOf(options.registry);
  const cache = new VersionCache({
    source,
    ...(options.snapshotDir ? { snapshots: new SnapshotStore(options.snapshotDir) } : {}),
    fallback,
    warn: (message, details) => logger.warn(message, details),
  });
  const timer = setInterval(() => void cache.refreshAll(), ttlMs);
  timer.unref();
  const clients = new Map<string, OpenAI>();

  function clientForModel(model: string): OpenAI {
    const endpoint = options.endpoints(model);
    if (!endpoint) {
      throw new EndpointError(
        model,
        `no endpoint is configured for model "${model}"; map it in the runtime's endpoints option`,
      );
    }
    const resolved = resolveEndpoint(model, endpoint, policy, env);
    const id = `${resolved.baseUrl}|${endpoint.apiKeyEnv ?? ''}|${resolved.timeoutMs}`;
    let client = clients.get(id);
    if (!client) {
      client = clientFor(resolved);
      clients.set(id, client);
    }
    return client;
  }

  const runtime: Runtime = {
    async load(name, which = { label: DEFAULT_LABEL }) {
      const lookup: Lookup = 'label' in which ? { name, label: which.label } : { name, version: which.version };
      try {
        assertName(name, name);
        if ('label' in lookup) assertLabel(lookup.label, `${name}@${lookup.label}`);
        else if (!Number.isSafeInteger(lookup.version) || lookup.version < 1) {
          throw new Error(`load("${name}"): version must be a positive whole number, got ${lookup.version}`);
        }
      } catch (err) {
        throw new ReferenceFormatError((err as Error).message);
      }
      const first = await cache.get(lookup);
      const reference = 'label' in lookup ? `${name}@${lookup.label}` : `${name}:${lookup.version}`;
      const served = () => cache.peek(lookup) ?? first;
      return {
        name,
        reference,
        current: () => served().version,
        predict: (inputs) => predict(served(), inputs),
      };
    },
    refresh: () => cache.refreshAll(),
    on(event, listener) {
      cache.on(event, listener as never);
      return runtime;
    },
    once(event, listener) {
      cache.once(event, listener as never);
      return runtime;
    },
    off(event, listener) {
      cache.off(event, listener as never);
      return runtime;
    },
    async close() {
      clearInterval(timer);
      await source.close();
    },
  };

  async function predict(entry: CachedVersion, inputs: Record<string, unknown>): Promise<Prediction> {
    const { version } = entry;
    const { content } = version;
    const program: CoreProgram = {
      signature: content.signature,
      genome: content.genome,
      demos: resolveDemos(content.genome.demos, new Map()),
    };
    const client = clientForModel(content.model);
    const answer = await answerWithProgram(
      program,
      checkInputs(inputs, version),
      (request) => callEndpoint(client, content.model, request, content.decoding),
      { structuredOutput: content.decoding.structuredOutput },
    );
    const { reply, parsed } = answer;
    const where = `${version.name}:${version.version}`;
    if (!parsed.ok) {
      const why = reply.malformed ? `${reply.malformed}; ${parsed.feedback}` : parsed.feedback;
      throw new AnswerError(`${where}: the model's answer does not fit the signature: ${why}`, reply.content);
    }
    return {
      outputs: parsed.outputs,
      ...(parsed.reasoning !== undefined ? { reasoning: parsed.reasoning } : {}),
      adjustments: parsed.adjustments ?? [],
      version: { name: version.name, version: version.version, hash: version.hash },
      origin: entry.origin === 'registry' && entry.stale ? 'memory' : entry.origin,
      stale: entry.stale !== undefined,
      raw: reply.content,
      usage: { promptTokens: reply.promptTokens, completionTokens: reply.completionTokens, latencyMs: reply.latencyMs },
    };
  }

  return runtime;
}

/** Inputs as the dataset importer coerces them, so the rendered text is the evaluated one; unknown or missing fields are errors. */
export function checkInputs(inputs: Record<string, unknown>, version: RuntimeVersion): Record<string, unknown> {
  const where = `${version.name}:${version.version}`;
  if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw new InputError(`${where}: inputs must be an object of the signature's input fields`);
  }
  const fields = version.content.signature.inputs;
  const extra = Object.keys(inputs).filter((k) => !(k in fields));
  const problems = extra.map((k) => `"${k}" is not an input of the signature`);
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const coerced = coerceInput(inputs[name], field.type);
    if (coerced.ok) out[name] = coerced.value;
    else problems.push(`"${name}": ${coerced.problem}`);
  }
  if (problems.length > 0) {
    throw new InputError(
      `${where}: inputs do not fit the signature (${Object.keys(fields).join(', ')}): ${problems.join('; ')}`,
    );
  }
  return out;
}
