import type { ChatMessage } from '../chat.js';
import type { Demo, Genome } from '../genome/genome.js';
import type { Rng } from '../rng.js';
import type { OperatorName } from '../task/search-spec.js';
import type { Signature } from '../task/signature.js';

/** An example shown to the meta model: a failure to repair or a trace to learn from. */
export interface ShownExample {
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
  got?: unknown;
  feedback?: string;
}

export interface OperatorContext {
  /** In the order the operator documents (e.g. differential: base, donor, donor, best). */
  parents: Genome[];
  signature: Signature;
  rng: Rng;
  limits: { maxPromptChars: number; maxDemos: number };
  /** Hashes of every genome already in the run; a child equal to one is rejected. */
  existingHashes: ReadonlySet<string>;
  /** Merge: the common ancestor of the two parents. Prune: the parent's own primary parent. */
  ancestor?: Genome;
  /** Reflect: failures with metric feedback. */
  examples?: ShownExample[];
  /** Demo operators: candidate demos to add or swap in (usually train example ids). */
  demoPool?: Demo[];
  /** Bootstrap: traces whose answers passed the metric. */
  passingTraces?: Extract<Demo, { kind: 'trace' }>[];
  /** Mutate: the run's current mutation-prompt library (hyper-mutation grows it). */
  mutationPrompts?: string[];
}

export type OperatorResult =
  { ok: true; genome: Genome; note: string; hash: string; mutationPrompt?: string } | { ok: false; reason: string };

/** Needs one meta-model call: the workflow builds the prompt, an activity calls the model, the workflow parses. */
export interface LlmOperator {
  kind: 'llm';
  name: OperatorName;
  parentsNeeded: number;
  buildMetaPrompt(ctx: OperatorContext): ChatMessage[];
  parseReply(text: string, ctx: OperatorContext): OperatorResult;
}

/** Pure edit with no model call. */
export interface LocalOperator {
  kind: 'local';
  name: OperatorName;
  parentsNeeded: number;
  apply(ctx: OperatorContext): OperatorResult;
}

export type Operator = LlmOperator | LocalOperator;

export const reject = (reason: string): OperatorResult => ({ ok: false, reason });

export function parentAt(ctx: OperatorContext, index: number, operator: string): Genome {
  const parent = ctx.parents[index];
  if (!parent) throw new Error(`${operator}: needs parent #${index + 1} but got ${ctx.parents.length} parent(s)`);
  return parent;
}
