import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Example, splitExamples } from '../../../core/index.js';

const makeExamples = (labels: string[]): Example[] =>
  labels.map((label, i) => ({
    id: `e${String(i).padStart(4, '0')}`,
    inputs: { text: `t${i}` },
    outputs: { label, score: i % 11 },
  }));

const base = { train: 0.6, val: 0.2, test: 0.2, seed: 1, stratify: 'none' as const, groupRepeats: false };

describe('splitExamples', () => {
  it('is deterministic for a seed, changes with the seed, and ignores file order', () => {
    const examples = makeExamples(Array.from({ length: 50 }, (_, i) => `l${i % 3}`));
    const a = splitExamples(examples, base);
    expect(splitExamples([...examples].reverse(), base)).toEqual(a);
    expect(splitExamples(examples, { ...base, seed: 2 }).val).not.toEqual(a.val);
  });

  it('gives exact sizes, uses every example once, and represents every large enough stratum in every split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 5, maxLength: 120 }),
        fc.integer(),
        fc.boolean(),
        (labels, seed, stratified) => {
          const examples = makeExamples(labels);
          const split = splitExamples(examples, { ...base, seed, stratify: stratified ? { label: 'label' } : 'none' });
          const val = Math.round(labels.length * 0.2);
          expect(split.val).toHaveLength(val);
          expect(split.test).toHaveLength(val);
          expect(split.train).toHaveLength(labels.length - 2 * val);
          const ids = [...split.train, ...split.val, ...split.test].map((e) => e.id).sort();
          expect(ids).toEqual(examples.map((e) => e.id));
          if (!stratified) return;
          for (const label of new Set(labels)) {
            const members = labels.filter((l) => l === label).length;
            for (const [name, part] of Object.entries(split) as [string, Example[]][]) {
              // A stratum whose proportional share of this split is at least one example must appear in it.
              if ((members * part.length) / labels.length >= 1) {
                expect(
                  part.some((e) => e.outputs.label === label),
                  `${label} in ${name}`,
                ).toBe(true);
              }
            }
          }
        },
      ),
    );
  });

  it('puts both extremes of a score range in every split with score-bucket stratification', () => {
    const examples = Array.from({ length: 60 }, (_, i) => ({
      id: `s${i}`,
      inputs: {},
      outputs: { score: i < 10 ? 0 : i < 50 ? 7.5 : 10 },
    }));
    const split = splitExamples(examples, { ...base, seed: 9, stratify: { field: 'score', buckets: 6 } });
    for (const part of [split.train, split.val, split.test]) {
      expect(part.some((e) => e.outputs.score === 0)).toBe(true);
      expect(part.some((e) => e.outputs.score === 10)).toBe(true);
    }
  });

  it('supports exact counts and says when the dataset is too small', () => {
    const examples = makeExamples(Array.from({ length: 30 }, () => 'x'));
    const split = splitExamples(examples, { ...base, train: 10, val: 5, test: 5 });
    expect([split.train.length, split.val.length, split.test.length]).toEqual([10, 5, 5]);
    expect(() => splitExamples(examples, { ...base, train: 40, val: 5, test: 5 })).toThrow(/dataset has 30/);
  });

  it('with groupRepeats, keeps examples with identical inputs in one split, with exact sizes, whatever the seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 20, maxLength: 120 }),
        fc.integer(),
        fc.boolean(),
        (texts, seed, stratified) => {
          const examples: Example[] = texts.map((t, i) => ({
            id: `e${String(i).padStart(4, '0')}`,
            inputs: { text: `question ${t}` },
            outputs: { label: `l${t % 3}` },
          }));
          const split = splitExamples(examples, {
            ...base,
            seed,
            stratify: stratified ? { label: 'label' } : 'none',
            groupRepeats: true,
          });
          const val = Math.round(texts.length * 0.2);
          expect([split.train.length, split.val.length, split.test.length]).toEqual([texts.length - 2 * val, val, val]);
          const ids = [...split.train, ...split.val, ...split.test].map((e) => e.id).sort();
          expect(ids).toEqual(examples.map((e) => e.id));
          const home = new Map<string, string>();
          let straddling = 0;
          for (const [name, part] of Object.entries(split) as [string, Example[]][]) {
            for (const e of part) {
              const text = e.inputs.text as string;
              if (home.has(text) && home.get(text) !== name) straddling++;
              home.set(text, name);
            }
          }
          // With at most a fifth of the examples repeats, train always has enough asked once to trade.
          const singles = texts.filter((t) => texts.indexOf(t) === texts.lastIndexOf(t)).length;
          if (singles >= 0.8 * texts.length) expect(straddling).toBe(0);
        },
      ),
      { seed: 20261202, numRuns: 300 },
    );
  });

  it('with groupRepeats, leaves a dataset without repeated inputs split as without it', () => {
    const examples = makeExamples(Array.from({ length: 40 }, (_, i) => `l${i % 4}`));
    const split = splitExamples(examples, { ...base, stratify: { label: 'label' }, groupRepeats: true });
    expect(split.test.map((e) => e.id)).toMatchInlineSnapshot(`
      [
        "e0034",
        "e0017",
        "e0025",
        "e0004",
        "e0035",
        "e0038",
        "e0016",
        "e0031",
      ]
    `);
  });
});
