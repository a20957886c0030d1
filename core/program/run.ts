import type { Example } from '../data/example.js';
import { parseModelOutput, type ParsedOutput } from '../genome/parse-output.js';
import type { Metric, MetricResult } from '../metrics/metric.js';
import { scoreMetric, unparsedOutputResult, type ExternalScorer } from '../metrics/registry.js';
import type { Signature } from '../task/signature.js';
import type { Program } from './program.js';
import { programRequests, type ProgramRequest } from './request.js';
import { encodeAnswer } from './stored-answer.js';
import { combineSamples, type ProgramAnswer, type SampleReply } from './vote.js';

/**
 * Running a program on an example, with the model call supplied by the caller: render → call →
 * parse → vote → score. Workers pass the gateway (`activities/program-runner.ts`); anything
 * else that can send a request (a service runtime, a test) can pass its own.
 */

/** Sends one request to the model and returns its reply. */
export type ProgramCall<R extends SampleReply = SampleReply> = (request: ProgramRequest) => Promise<R>;

/**
 * Model text → typed outputs. The default, `parseModelOutput`, coerces each value to its declared
 * type (enum values matched case-insensitively, "7/10" read as 7); post-processing such as
 * clamping numbers to the signature's range would be a parser wrapping it.
 */
export type OutputParser = (content: string, signature: Signature) => ParsedOutput;

export interface AnswerOptions {
  /** Ask for the signature's JSON schema as the response format (the endpoint's `structuredOutput`). */
  structuredOutput: boolean;
  parse?: OutputParser;
}

/** The program's answer to some inputs: its requests sent (samples at once), parsed, and voted on. */
export async function answerWithProgram<R extends SampleReply>(
  program: Program,
  inputs: Record<string, unknown>,
  call: ProgramCall<R>,
  options: AnswerOptions,
): Promise<ProgramAnswer<R>> {
  const parse = options.parse ?? parseModelOutput;
  const replies = await Promise.all(programRequests(program, inputs, options).map((request) => call(request)));
  return combineSamples(
    replies,
    replies.map((reply) => parse(reply.content, program.signature)),
  );
}

export interface ScoreOptions {
  metric: Metric;
  signature: Signature;
  /** Scores what core cannot (an LLM judge, a user module). */
  scorer?: ExternalScorer;
}

/** An answer scored against the expected outputs; one that did not parse scores 0 saying why. */
export function scoreAnswer(
  { reply, parsed }: ProgramAnswer,
  example: Pick<Example, 'inputs' | 'outputs'>,
  options: ScoreOptions,
): Promise<MetricResult> {
  if (!parsed.ok) {
    const why = reply.malformed ? `${reply.malformed} after every retry; ${parsed.feedback}` : parsed.feedback;
    return Promise.resolve(unparsedOutputResult(why));
  }
  const ctx = { signature: options.signature, inputs: example.inputs };
  return scoreMetric(options.metric, parsed.outputs, example.outputs, ctx, options.scorer);
}

/** A program's run on one example: its answer, the answer as stored, and its score. */
export interface ExampleResult<R extends SampleReply = SampleReply> extends ProgramAnswer<R> {
  /** The parsed answer as evaluations store it (`encodeAnswer`); null when it did not parse. */
  output: string | null;
  result: MetricResult;
}

/** Render → call → parse → vote → score, for one labelled example. */
export async function runOnExample<R extends SampleReply>(
  program: Program,
  example: Pick<Example, 'inputs' | 'outputs'>,
  call: ProgramCall<R>,
  options: AnswerOptions & Omit<ScoreOptions, 'signature'>,
): Promise<ExampleResult<R>> {
  const answered = await answerWithProgram(program, example.inputs, call, options);
  const result = await scoreAnswer(answered, example, { ...options, signature: program.signature });
  return { ...answered, output: encodeAnswer(answered.parsed), result };
}
