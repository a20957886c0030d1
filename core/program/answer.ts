import type { ParsedOutput } from '../genome/parse-output.js';
import type { Signature } from '../task/signature.js';
import { parseAndClean } from './clean-output.js';
import type { Program } from './program.js';
import { programRequests, type ProgramRequest } from './request.js';
import { combineSamples, type ProgramAnswer, type SampleReply } from './vote.js';

/**
 * A program's answer to some inputs: render → call → parse → vote, with the model call supplied
 * by the caller. Workers pass the gateway (`activities/program-runner.ts`, through `runOnExample`);
 * the service runtime (`runtime/`) passes its own endpoint call. Both parse with the same parser,
 * so evaluation scores what a service gets. Kept apart from scoring (`run.ts`) so the runtime
 * needs no metrics.
 */

/** Sends one request to the model and returns its reply. */
export type ProgramCall<R extends SampleReply = SampleReply> = (request: ProgramRequest) => Promise<R>;

/**
 * Model text → typed outputs. The default, `parseAndClean` (core/program/clean-output.ts), is
 * `parseModelOutput` (each value coerced to its declared type, enum values matched
 * case-insensitively, "7/10" read as 7) with numbers clamped to the signature's range and
 * near-miss enum values mapped, listed in `adjustments`.
 */
export type OutputParser = (content: string, signature: Signature) => ParsedOutput;

/** The parser evaluation and the runtime use unless told otherwise. */
export const defaultOutputParser: OutputParser = parseAndClean;

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
  const parse = options.parse ?? defaultOutputParser;
  const replies = await Promise.all(programRequests(program, inputs, options).map((request) => call(request)));
  return combineSamples(
    replies,
    replies.map((reply) => parse(reply.content, program.signature)),
  );
}
