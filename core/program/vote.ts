import type { ParsedOutput } from '../genome/parse-output.js';
import { canonicalJson } from '../hash.js';

/** The most common answer (by canonical JSON); ties go to the answer seen first. */
export function majorityVote<T>(answers: readonly T[]): T | undefined {
  const counts = new Map<string, { answer: T; count: number; first: number }>();
  answers.forEach((answer, i) => {
    const key = canonicalJson(answer);
    const seen = counts.get(key);
    if (seen) seen.count++;
    else counts.set(key, { answer, count: 1, first: i });
  });
  let best: { answer: T; count: number; first: number } | undefined;
  for (const entry of counts.values()) {
    if (!best || entry.count > best.count || (entry.count === best.count && entry.first < best.first)) best = entry;
  }
  return best?.answer;
}

/** What a program needs of a model's reply: its text and what it cost. */
export interface SampleReply {
  content: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costUsd: number;
  /** True when the answer came from a response cache instead of the provider. */
  cached: boolean;
  /** Set when the reply was still cut off or malformed after every retry. */
  malformed?: string;
}

/** A program's answer: the chosen reply (with every sample's figures) and its parse. */
export interface ProgramAnswer<R extends SampleReply = SampleReply> {
  reply: R;
  parsed: ParsedOutput;
}

/**
 * One answer from a program's replies: the single reply, or the majority answer of several
 * samples (the first reply when none parsed), with the samples' tokens, cost and (slowest)
 * latency added up as one program call, cached only when every sample was.
 */
export function combineSamples<R extends SampleReply>(
  replies: readonly R[],
  parsed: readonly ParsedOutput[],
): ProgramAnswer<R> {
  let index = 0;
  if (replies.length > 1) {
    const answers = parsed.flatMap((p) => (p.ok ? [p.outputs] : []));
    const winner = majorityVote(answers);
    index = winner === undefined ? 0 : parsed.findIndex((p) => p.ok && p.outputs === winner);
  }
  const reply: R = {
    ...replies[index]!,
    promptTokens: replies.reduce((n, r) => n + r.promptTokens, 0),
    completionTokens: replies.reduce((n, r) => n + r.completionTokens, 0),
    costUsd: replies.reduce((n, r) => n + r.costUsd, 0),
    latencyMs: Math.max(...replies.map((r) => r.latencyMs)),
    cached: replies.every((r) => r.cached),
  };
  return { reply, parsed: parsed[index]! };
}
