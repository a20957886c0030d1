import type { Example } from '../data/example.js';
import type { Metric, MetricResult } from '../metrics/metric.js';
import { scoreMetric, unparsedOutputResult, type ExternalScorer } from '../metrics/registry.js';
import type { Signature } from '../task/signature.js';
import { answerWithProgram, type AnswerOptions, type ProgramCall } from './answer.js';
import type { Program } from './program.js';
import { encodeAnswer } from './stored-answer.js';
import type { ProgramAnswer, SampleReply } from './vote.js';

/**
 * Running a program on an example, with the model call supplied by the caller: render → call →
 * parse → vote (`answer.ts`) → score. Workers pass the gateway (`activities/program-runner.ts`);
 * anything else that can send a request (a service runtime, a test) can pass its own.
 */

export {
  answerWithProgram,
  defaultOutputParser,
  type AnswerOptions,
  type OutputParser,
  type ProgramCall,
} from './answer.js';

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
