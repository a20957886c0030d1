import { genomeHash, type Genome, normalizeGenome } from '../genome/genome.js';
import { renderInstruction } from '../genome/instruction.js';
import type { OperatorContext, OperatorResult } from './operator.js';

/** The character count limits are measured in: the rendered instruction. */
export function promptLength(genome: Genome): number {
  return renderInstruction(genome.sections).length;
}

/** The shortest verbatim stretch of an example's input that an instruction may not contain. */
export const COPY_LIMIT_CHARS = 60;

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * The first stretch of `COPY_LIMIT_CHARS` characters (whitespace runs counted as one space) of any
 * input value that appears verbatim in `instruction`, or undefined. Demos carry dataset text by
 * design; an instruction should state general rules, and a copied stretch is how text injected into
 * a dataset row would reach every future call.
 */
export function copiedStretch(instruction: string, inputs: readonly Record<string, unknown>[]): string | undefined {
  const haystack = squash(instruction);
  if (haystack.length < COPY_LIMIT_CHARS) return undefined;
  const windows = new Set<string>();
  for (let i = 0; i + COPY_LIMIT_CHARS <= haystack.length; i++) windows.add(haystack.slice(i, i + COPY_LIMIT_CHARS));
  for (const fields of inputs) {
    for (const value of Object.values(fields)) {
      const text = squash(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
      for (let i = 0; i + COPY_LIMIT_CHARS <= text.length; i++) {
        const stretch = text.slice(i, i + COPY_LIMIT_CHARS);
        if (windows.has(stretch)) return stretch;
      }
    }
  }
  return undefined;
}

/**
 * Every child passes here: too long, too many demos, already seen, or an instruction that copies a
 * shown example's input means rejected with the reason.
 */
export function acceptChild(genome: Genome, ctx: OperatorContext, note: string): OperatorResult {
  const child = normalizeGenome(genome);
  const copied = copiedStretch(
    renderInstruction(child.sections),
    (ctx.examples ?? []).map((e) => e.inputs),
  );
  if (copied !== undefined) {
    return {
      ok: false,
      reason: `child instruction copies ${COPY_LIMIT_CHARS}+ characters verbatim from a shown example's input ("${copied.slice(0, 40)}…"); instructions state general rules`,
    };
  }
  const length = promptLength(child);
  if (length > ctx.limits.maxPromptChars) {
    return {
      ok: false,
      reason: `child prompt is ${length} characters, over search.maxPromptChars (${ctx.limits.maxPromptChars})`,
    };
  }
  if (child.demos.length > ctx.limits.maxDemos) {
    return {
      ok: false,
      reason: `child has ${child.demos.length} demos, over search.maxDemos (${ctx.limits.maxDemos})`,
    };
  }
  const hash = genomeHash(child);
  if (ctx.existingHashes.has(hash))
    return { ok: false, reason: `child duplicates an existing candidate (${hash.slice(0, 12)})` };
  return { ok: true, genome: child, note, hash };
}
