import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AnswerError,
  EndpointError,
  InputError,
  ReferenceFormatError,
  RegistryUnavailableError,
  UnknownVersionError,
} from '../runtime/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import { ServeMetrics } from './metrics.js';

/**
 * `promptevo serve`: the service runtime over HTTP, for services in other languages.
 *
 * - `POST /v1/programs/:name/predict` `{ inputs, label?, version? }` → the runtime's prediction;
 * - `GET /v1/programs/:name?label=|version=` → the version a label resolves to (name, version,
 *   hash, content), which runtimes reading through serve (`serveUrl`) use;
 * - `GET /healthz` (no key) and `GET /metrics` (Prometheus text).
 *
 * Every route but /healthz needs `Authorization: Bearer <PROMPTEVO_SERVE_KEY>` unless the server
 * was started without auth (local use only).
 */
export interface ServeOptions {
  runtime: Runtime;
  /** The bearer key; undefined only with `auth: false`. */
  key?: string;
  auth: boolean;
  /** Largest request body, bytes; default 1 MiB. */
  bodyLimit?: number;
}

const nameParam = z.object({ name: z.string().min(1) });
const versionNumber = z.coerce.number().int().positive();
const label = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a label is lowercase letters, digits, "_" or "-"');
const predictBody = z
  .strictObject({
    inputs: z.record(z.string(), z.unknown()),
    label: label.optional(),
    version: z.number().int().positive().optional(),
  })
  .refine((b) => b.label === undefined || b.version === undefined, {
    message: 'give a label or a version, not both',
  });
const versionQuery = z
  .strictObject({ label: label.optional(), version: versionNumber.optional() })
  .refine((q) => q.label === undefined || q.version === undefined, { message: 'give a label or a version, not both' });

function badRequest(reply: FastifyReply, error: z.ZodError) {
  const problems = error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
  return reply.code(400).send({ error: 'bad_request', message: problems.join('; '), problems });
}

/** HTTP status and error code for what the runtime threw. */
function failure(err: unknown): { status: number; error: string; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof UnknownVersionError) return { status: 404, error: 'not_found', message };
  if (err instanceof InputError) return { status: 400, error: 'bad_inputs', message };
  if (err instanceof RegistryUnavailableError) return { status: 503, error: 'registry_unavailable', message };
  if (err instanceof AnswerError) return { status: 502, error: 'bad_answer', message };
  if (err instanceof EndpointError) return { status: 500, error: 'endpoint_config', message };
  if (err instanceof ReferenceFormatError) return { status: 400, error: 'bad_request', message };
  return { status: 502, error: 'model_call_failed', message };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function buildServeApp(options: ServeOptions): { app: FastifyInstance; metrics: ServeMetrics } {
  if (options.auth && !options.key) {
    throw new Error('serve: a key is required (PROMPTEVO_SERVE_KEY); for local use without one, pass --no-auth');
  }
  const expected = options.key ? digest(options.key) : undefined;
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 1024 * 1024 });
  const metrics = new ServeMetrics();
  const started = new WeakMap<FastifyRequest, number>();

  app.addHook('onRequest', async (request, reply) => {
    started.set(request, performance.now());
    if (!options.auth || request.url === '/healthz') return;
    const header = request.headers.authorization ?? '';
    const given = /^Bearer (.+)$/.exec(header)?.[1];
    if (!given || !timingSafeEqual(digest(given), expected!)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({
          error: 'unauthorized',
          message: given
            ? 'the bearer key is wrong'
            : 'missing key: send "Authorization: Bearer <PROMPTEVO_SERVE_KEY>"',
        });
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const params = request.params as { name?: string } | undefined;
    const route = request.routeOptions.url ?? 'unmatched';
    const began = started.get(request) ?? performance.now();
    metrics.observe(params?.name ?? '', route, reply.statusCode, performance.now() - began);
  });

  app.get('/healthz', (_request, reply) => reply.send({ ok: true }));
  app.get('/metrics', (_request, reply) =>
    reply.header('content-type', 'text/plain; version=0.0.4').send(metrics.text()),
  );

  app.get('/v1/programs/:name', async (request, reply) => {
    const { name } = nameParam.parse(request.params);
    const query = versionQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, query.error);
    try {
      const which =
        query.data.version !== undefined
          ? { version: query.data.version }
          : { label: query.data.label ?? 'production' };
      const program = await options.runtime.load(name, which);
      return program.current();
    } catch (err) {
      const f = failure(err);
      return reply.code(f.status).send({ error: f.error, message: f.message });
    }
  });

  app.post('/v1/programs/:name/predict', async (request, reply) => {
    const { name } = nameParam.parse(request.params);
    const body = predictBody.safeParse(request.body);
    if (!body.success) return badRequest(reply, body.error);
    try {
      const which =
        body.data.version !== undefined ? { version: body.data.version } : { label: body.data.label ?? 'production' };
      const program = await options.runtime.load(name, which);
      return await program.predict(body.data.inputs);
    } catch (err) {
      const f = failure(err);
      return reply.code(f.status).send({ error: f.error, message: f.message });
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return reply.code(status).send({ error: status === 500 ? 'internal' : 'bad_request', message: err.message });
  });
  return { app, metrics };
}
