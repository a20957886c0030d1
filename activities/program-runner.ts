import type { Example } from '../core/data/example.js';
import type { Metric, MetricResult } from '../core/metrics/metric.js';
import type { ExternalScorer } from '../core/metrics/registry.js';
import type { Program } from '../core/program/program.js';
import { runOnExample, type OutputParser, type ProgramCall } from '../core/program/run.js';
import type { ModelSpec } from '../core/task/model-spec.js';
import type { ProgramRequest } from '../core/program/request.js';
import type { CacheLookup, ModelCallRequest, ModelCallResult } from './model-gateway.js';
import { isContextLengthFailure } from './provider-errors.js';

/**
 * The one place a worker runs a program on an example: core's render → call → parse → vote →
 * score (`core/program/run.ts`) with the gateway as the model call. Evaluation (search,
 * screening, test, production, the teacher's traces) runs every program through it; bootstrap
 * and distillation read back what it stored (`encodeAnswer`, `programLabel`).
 */

/** Where a program's calls are booked: the run, the generation, the purpose and the model. */
export interface CallSite {
  runId: string;
  generation: number;
  /** screen | validate | test | distill:... : recorded with the spend. */
  purpose: string;
  modelName: string;
  endpoint: ModelSpec;
}

/** A program's request as the gateway takes it, booked under the call site. */
export function gatewayRequest(site: CallSite, request: ProgramRequest): ModelCallRequest {
  return {
    ...site,
    messages: request.messages,
    ...(request.responseFormat ? { responseFormat: request.responseFormat as unknown as Record<string, unknown> } : {}),
    temperature: request.temperature,
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.validate ? { validate: request.validate } : {}),
  };
}

/**
 * The gateway as a program's model call: one request, booked and cached under the call site;
 * `lookup` holds cache answers looked up ahead for a batch (`ModelGateway.lookUp`).
 */
export function gatewayCall(
  gateway: { call(req: ModelCallRequest, lookup?: CacheLookup): Promise<ModelCallResult> },
  site: CallSite,
  lookup?: CacheLookup,
): ProgramCall<ModelCallResult> {
  return (request) => gateway.call(gatewayRequest(site, request), lookup);
}

type ReplyFigures = 'promptTokens' | 'completionTokens' | 'latencyMs' | 'cached' | 'costUsd';

/** One example's run as an evaluation stores it. */
export interface ExampleRun {
  /** The parsed answer (outputs and reasoning) as JSON; null when none parsed or none came. */
  output: string | null;
  /** The chosen reply's text; null when the model could not be asked. */
  raw: string | null;
  result: MetricResult;
  /** Tokens, cost and latency of every sample together. */
  reply: Pick<ModelCallResult, ReplyFigures>;
}

export interface ProgramRunnerOptions {
  program: Program;
  call: ProgramCall<ModelCallResult>;
  /** The endpoint's `structuredOutput`. */
  structuredOutput: boolean;
  metric: Metric;
  scorer?: ExternalScorer;
  parse?: OutputParser;
}

const NO_REPLY: Pick<ModelCallResult, ReplyFigures> = {
  promptTokens: 0,
  completionTokens: 0,
  latencyMs: 0,
  cached: false,
  costUsd: 0,
};

/** Runs one program on examples, one at a time per call of the returned function. */
export function programRunner(options: ProgramRunnerOptions): (example: Example) => Promise<ExampleRun> {
  const { program, call, ...rest } = options;
  return async (example) => {
    try {
      const { reply, output, result } = await runOnExample(program, example, call, rest);
      return { output, raw: reply.content, result, reply };
    } catch (err) {
      // One example too long for the model's context is that example's failure, not the run's.
      if (!isContextLengthFailure(err)) throw err;
      return {
        output: null,
        raw: null,
        result: { score: 0, feedback: `not answered: ${err.message}` },
        reply: NO_REPLY,
      };
    }
  };
}
