import type { ChatMessage } from '../chat.js';
import { renderTaskMessages, responseFormatForGenome } from '../genome/render.js';
import type { ResponseFormat } from '../task/signature-json-schema.js';
import { samplingOf, type Program } from './program.js';

/**
 * One model request of a program: everything that decides the answer. The gateway's cache key is
 * a hash of these fields (with the endpoint), so changing what is built here re-pays every
 * cached call.
 */
export interface ProgramRequest {
  messages: ChatMessage[];
  /** Sent when the endpoint supports structured output. */
  responseFormat?: ResponseFormat;
  temperature: number;
  /** The sample's number (1..n) when the program votes; absent for a single call. */
  seed?: number;
  /** Checks a reply's shape: a message means malformed output, retried like a provider fault. */
  validate?: (content: string) => string | undefined;
}

/** The requests one answer takes: one, or one per sample with its own seed so each is its own cached request. */
export function programRequests(
  program: Program,
  inputs: Record<string, unknown>,
  options: { structuredOutput: boolean },
): ProgramRequest[] {
  const sampling = samplingOf(program.sampling);
  const responseFormat = options.structuredOutput
    ? responseFormatForGenome(program.genome, program.signature)
    : undefined;
  const request = (seed?: number): ProgramRequest => ({
    messages: renderTaskMessages(program.genome, program.signature, program.demos, inputs),
    ...(responseFormat ? { responseFormat } : {}),
    temperature: sampling ? sampling.temperature : 0,
    ...(seed !== undefined ? { seed } : {}),
    ...(responseFormat ? { validate: expectJson } : {}),
  });
  return sampling ? Array.from({ length: sampling.samples }, (_, i) => request(i + 1)) : [request()];
}

/** With structured output requested, anything but JSON is a provider fault worth one more ask. */
export function expectJson(content: string): string | undefined {
  try {
    JSON.parse(content);
    return undefined;
  } catch {
    return 'the reply is not valid JSON although structured output was requested';
  }
}
