// `POST /v1/chat/completions`: validate, rate-limit, draw a fault, wait the simulated latency,
// run the backend, and answer in the OpenAI shape. Every request is counted in the stats.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../base/api-error.js';
import { messageText, parseChatRequest, type PlainMessage } from '../base/chat-request.js';
import { completionBody, writeCompletionStream } from './completion-response.js';
import { drawFault, inThrottleBurst, latencyMs, malformedContent, truncateContent } from './faults.js';
import { readJsonBody, sendError, sendJson, toApiError } from './http-io.js';
import type { ModelRuntime } from './model-runtime.js';
import { Rng, canonicalJson, hashString, seedFrom } from '../base/prng.js';
import { readMetaExamples } from '../sim/meta-examples.js';
import { readMetaRequest } from '../sim/meta-request.js';
import { buildRequestView } from '../sim/request-view.js';
import type { InjectedFault, StatsRecorder } from './stats.js';
import { isAuthorized, unauthorized } from './auth.js';
import { estimatePromptTokens, estimateTokens } from '../base/tokenizer.js';

export interface CompletionDeps {
  runtimes: Map<string, ModelRuntime>;
  stats: StatsRecorder;
  seed: number;
  apiKey: string | undefined;
  /** Aborted when the server closes, to release hanging and queued requests. */
  shutdown: AbortSignal;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * For the stats, whatever the backend: undefined unless the request asks for a new or improved
 * prompt (read as the simulator reads it); then how many task examples its text carries.
 */
function countMetaExamples(messages: PlainMessage[]): number | undefined {
  const meta = readMetaRequest(buildRequestView(messages));
  return meta ? readMetaExamples(meta.rest).length : undefined;
}

export async function handleCompletion(req: IncomingMessage, res: ServerResponse, deps: CompletionDeps): Promise<void> {
  const aborter = new AbortController();
  const abort = (): void => aborter.abort();
  res.on('close', abort);
  deps.shutdown.addEventListener('abort', abort, { once: true });

  let model = 'unknown';
  let status = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let arrivedAt: number | undefined;
  let metaExamples: number | undefined;
  let injected: InjectedFault | undefined;
  let headers: Record<string, string> = {};
  try {
    const authorized = isAuthorized(req, deps.apiKey);
    const body = await readJsonBody(req).catch((err: unknown) => err);
    if (body && typeof body === 'object' && 'model' in body && typeof body.model === 'string') model = body.model;
    arrivedAt = deps.stats.arrived(model);
    if (!authorized) throw unauthorized();
    if (body instanceof Error) throw body;
    const request = parseChatRequest(body);
    const runtime = deps.runtimes.get(request.model);
    if (!runtime) {
      const known = [...deps.runtimes.keys()].join(', ');
      throw new ApiError(
        404,
        `The model '${request.model}' does not exist. Available models: ${known}.`,
        'invalid_request_error',
        'model',
        'model_not_found',
      );
    }

    const messages: PlainMessage[] = request.messages.map((m) => ({ role: m.role, text: messageText(m) }));
    promptTokens = estimatePromptTokens(messages);
    metaExamples = countMetaExamples(messages);
    const faults = runtime.config.faults;
    const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? 0;
    if (faults.contextTokens !== undefined && promptTokens + maxTokens > faults.contextTokens) {
      injected = 'context-length';
      throw new ApiError(
        400,
        `This model's maximum context length is ${faults.contextTokens} tokens. However, you requested ` +
          `${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). ` +
          'Please reduce the length of the messages or completion.',
        'invalid_request_error',
        'messages',
        'context_length_exceeded',
      );
    }
    if (inThrottleBurst(runtime.burst, deps.seed, runtime.name, faults)) {
      injected = 'throttle-burst';
      const seconds = faults.throttleRetryAfterSeconds;
      throw new ApiError(
        429,
        `Rate limit reached for ${runtime.name}: the server is overloaded (injected 429 burst). Please try again in ${seconds}s.`,
        'rate_limit_exceeded',
        null,
        'rate_limit_exceeded',
        { 'retry-after': String(Math.ceil(seconds)), 'retry-after-ms': String(Math.round(seconds * 1000)) },
      );
    }
    const decision = runtime.limiter.admit(promptTokens);
    headers = decision.headers;
    if (!decision.allowed) {
      throw new ApiError(
        429,
        `Rate limit reached for ${runtime.name} (rpm ${runtime.config.limits.rpm ?? 'unlimited'}, tpm ${runtime.config.limits.tpm ?? 'unlimited'}) ` +
          `over a 60-second window. Please try again in ${decision.retryAfterSeconds}s.`,
        'rate_limit_exceeded',
        null,
        'rate_limit_exceeded',
        { 'retry-after': String(decision.retryAfterSeconds) },
      );
    }

    const arrival = runtime.arrivals++;
    const fault = drawFault(deps.seed, runtime.name, arrival, runtime.config.faults);
    const requestHash = hashString(
      canonicalJson({
        model: request.model,
        messages,
        response_format: request.response_format,
        temperature: request.temperature,
        top_p: request.top_p,
        max_tokens: request.max_completion_tokens ?? request.max_tokens,
        stop: request.stop,
      }),
    );
    await wait(latencyMs(runtime.config.latency, requestHash), aborter.signal);
    if (fault.kind !== 'none') injected = fault.kind;
    if (fault.kind === 'server-error') {
      const message =
        fault.status === 503
          ? 'The model is temporarily overloaded (injected fault).'
          : 'The model failed (injected fault).';
      throw new ApiError(
        fault.status,
        `${message} Retry the request.`,
        fault.status === 503 ? 'service_unavailable' : 'server_error',
      );
    }
    if (fault.kind === 'hang') {
      // Never answer: hold the connection until the client gives up or hangMs passes, then drop it.
      await wait(fault.ms, aborter.signal);
      req.socket.destroy();
      return;
    }
    if (aborter.signal.aborted) return;

    const choices = request.n ?? 1;
    const result = await runtime.backend.complete({ request, messages, requestHash, choices, signal: aborter.signal });
    const faultRng = new Rng(seedFrom('fault-content', deps.seed, runtime.name, arrival));
    if (fault.kind === 'truncated') {
      result.contents = result.contents.map(truncateContent);
      result.finishReasons = result.finishReasons.map(() => 'length');
    } else if (fault.kind === 'malformed') {
      result.contents = result.contents.map(() => malformedContent(faultRng));
    }
    completionTokens = result.contents.reduce(
      (sum, c, i) =>
        sum + (fault.kind === 'none' ? (result.completionTokens?.[i] ?? estimateTokens(c)) : estimateTokens(c)),
      0,
    );
    runtime.limiter.charge(decision.entry, completionTokens);
    const shape = {
      id: `chatcmpl-${requestHash.toString(16)}${arrival.toString(16).padStart(6, '0')}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      contents: result.contents,
      finishReasons: result.finishReasons,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
    status = 200;
    if (request.stream) writeCompletionStream(res, shape, request.stream_options?.include_usage === true, headers);
    else sendJson(res, 200, completionBody(shape), headers);
  } catch (err) {
    if (aborter.signal.aborted && !(err instanceof ApiError)) return;
    const error = toApiError(err);
    status = error.status;
    sendError(res, error, headers);
  } finally {
    res.off('close', abort);
    deps.shutdown.removeEventListener('abort', abort);
    deps.stats.finished({
      t: arrivedAt ?? deps.stats.arrived(model),
      model,
      status,
      promptTokens,
      completionTokens,
      ...(metaExamples !== undefined ? { metaExamples } : {}),
      ...(injected ? { fault: injected } : {}),
    });
  }
}
