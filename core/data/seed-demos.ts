import { Rng } from '../rng.js';
import type { TaskSpec } from '../task/spec-schema.js';
import type { Example } from './example.js';

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

/**
 * `seedPrompt.demoCount` labeled train examples for the seed, drawn by the run's seed and spread
 * over the answers: one example of each distinct output in turn, so a classifier's seed shows
 * several classes rather than the most common one k times. Another `draw` number gives another
 * draw (other examples, another order) from the same seed.
 */
export function drawSeedDemos(train: readonly Example[], count: number, seed: number, draw = 0): string[] {
  const rng = Rng.fromSeed(draw === 0 ? `seed-demos:${seed}` : `seed-demos:${seed}:${draw}`);
  const byAnswer = new Map<string, Example[]>();
  const ordered = [...train].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const e of rng.shuffle(ordered)) {
    const key = JSON.stringify(e.outputs);
    byAnswer.set(key, [...(byAnswer.get(key) ?? []), e]);
  }
  const groups = rng.shuffle([...byAnswer.keys()].sort()).map((k) => byAnswer.get(k)!);
  const picked: string[] = [];
  for (let round = 0; picked.length < Math.min(count, train.length); round++) {
    for (const group of groups) {
      const e = group[round];
      if (e && picked.length < count) picked.push(e.id);
    }
  }
  return picked;
}
