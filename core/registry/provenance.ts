import { canonicalJson, sha256Hex } from '../hash.js';

/**
 * Content hash of an example's inputs: two examples asking the same question hash alike whatever
 * their ids or labels, so a promotion set can be checked against what a version was optimized on.
 */
export function exampleContentHash(inputs: Record<string, unknown>): string {
  return sha256Hex(canonicalJson({ inputs }));
}

/** sha256 over a dataset's examples (id, split, inputs, outputs) in the order given. */
export function datasetHash(
  examples: readonly { id: string; split: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[],
): string {
  return sha256Hex(canonicalJson(examples.map((e) => [e.id, e.split, e.inputs, e.outputs])));
}

/** The examples of a promotion set that a version was optimized on (by content hash). */
export function overlapWith(
  promotionSet: readonly { id: string; inputs: Record<string, unknown> }[],
  optimizedOn: readonly string[],
): string[] {
  const seen = new Set(optimizedOn);
  return promotionSet.filter((e) => seen.has(exampleContentHash(e.inputs))).map((e) => e.id);
}
