import type { TaskSpec } from '../task/spec-schema.js';

export type SplitName = 'train' | 'val' | 'test';

/**
 * Seed demos may come from the train split only, so that validation (selection) and test (final
 * scoring) stay unseen. Returns what is wrong, for the task file's author, or undefined.
 */
export function seedDemoProblem(spec: TaskSpec, splitOf: (id: string) => SplitName | undefined): string | undefined {
  const ids = 'demos' in spec.seedPrompt && spec.seedPrompt.demos ? spec.seedPrompt.demos : [];
  const outside = ids.filter((id) => splitOf(id) !== 'train');
  if (outside.length === 0) return undefined;
  const where = outside.map((id) => `"${id}" (${splitOf(id) ?? 'not in the dataset'})`).join(', ');
  return (
    `seedPrompt.demos: ${where} ${outside.length === 1 ? 'is not a train example' : 'are not train examples'}; ` +
    'demos may come from the train split only, so that validation and test stay unseen. ' +
    'Use ids of train examples (the split is seeded by data.split.seed) or leave seedPrompt.demos out.'
  );
}
