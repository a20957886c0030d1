import { genomeHash, type Genome, normalizeGenome } from '../genome/genome.js';
import { renderInstruction } from '../genome/instruction.js';
import type { OperatorContext, OperatorResult } from './operator.js';

/** The character count limits are measured in: the rendered instruction. */
export function promptLength(genome: Genome): number {
  return renderInstruction(genome.sections).length;
}

/** Every child passes here: too long, too many demos, or already seen means rejected with the reason. */
export function acceptChild(genome: Genome, ctx: OperatorContext, note: string): OperatorResult {
  const child = normalizeGenome(genome);
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
