import type { Demo } from '../genome/genome.js';
import type { ParsedOutput } from '../genome/parse-output.js';

type Trace = Extract<Demo, { kind: 'trace' }>;

/**
 * A parsed answer as evaluations store it: the outputs, with the reasoning beside them when the
 * program gave some; null when the answer did not parse.
 */
export function encodeAnswer(parsed: ParsedOutput): string | null {
  return parsed.ok
    ? JSON.stringify({ ...parsed.outputs, ...(parsed.reasoning ? { reasoning: parsed.reasoning } : {}) })
    : null;
}

/** A stored answer (from `encodeAnswer`) on an example's inputs as a trace demo, reasoning included. */
export function traceFromAnswer(
  exampleId: string,
  inputs: Record<string, unknown>,
  stored: Record<string, unknown> & { reasoning?: unknown },
): Trace {
  const { reasoning, ...outputs } = stored;
  const trace: Trace = { kind: 'trace', inputs, outputs, sourceExampleId: exampleId };
  if (typeof reasoning === 'string' && reasoning.trim() !== '') trace.reasoning = reasoning;
  return trace;
}
