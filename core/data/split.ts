import { canonicalJson } from '../hash.js';
import { Rng } from '../rng.js';
import type { SplitSpec } from '../task/data-spec.js';
import type { Example } from './example.js';

export interface DataSplit {
  train: Example[];
  val: Example[];
  test: Example[];
}

/**
 * Seeded, exact-size split. With stratification every stratum is dealt out in proportion
 * to the split sizes (floors first, then the largest remainders), so a stratum big enough
 * to reach a split always does, and the split totals still match exactly.
 */
export function splitExamples(examples: readonly Example[], spec: SplitSpec): DataSplit {
  const sizes = splitSizes(examples.length, spec);
  const rng = Rng.fromSeed(`split:${spec.seed}`);
  // Sort by id first so the split depends on the content, not on file order.
  const ordered = [...examples].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const strata = groupStrata(ordered, spec).map((members) => rng.shuffle(members));
  const counts = allocate(
    strata.map((s) => s.length),
    SPLIT_NAMES.map((name) => sizes[name]),
  );
  const out: DataSplit = { train: [], val: [], test: [] };
  strata.forEach((members, s) => {
    let next = 0;
    SPLIT_NAMES.forEach((name, k) => {
      const take = counts[s]?.[k] ?? 0;
      out[name].push(...members.slice(next, next + take));
      next += take;
    });
  });
  if (spec.groupRepeats) keepRepeatsTogether(out, strata, rng);
  return { train: rng.shuffle(out.train), val: rng.shuffle(out.val), test: rng.shuffle(out.test) };
}

/**
 * With `groupRepeats` (the default), examples with identical inputs (a dataset that repeats a question) end up in one split: a repeat
 * in test of a train input would be shown to the model as a demo, or to the meta model, and then
 * scored as if unseen. Each such group is gathered into train (or, when train has too few examples
 * asked only once left to trade, into val, then test); every member moved there trades places with
 * an example asked only once, from the same stratum when there is one, so split sizes stay exact
 * and strata stay close.
 */
function keepRepeatsTogether(out: DataSplit, strata: readonly Example[][], rng: Rng): void {
  const key = (e: Example): string => canonicalJson(e.inputs);
  const groups = new Map<string, Example[]>();
  for (const name of SPLIT_NAMES) for (const e of out[name]) groups.set(key(e), [...(groups.get(key(e)) ?? []), e]);
  const repeated = new Set([...groups].filter(([, members]) => members.length > 1).map(([k]) => k));
  if (repeated.size === 0) return;
  const stratumOf = new Map<string, number>();
  strata.forEach((members, s) => members.forEach((e) => stratumOf.set(e.id, s)));
  const where = new Map<string, (typeof SPLIT_NAMES)[number]>();
  for (const name of SPLIT_NAMES) for (const e of out[name]) where.set(e.id, name);
  for (const k of [...repeated].sort()) {
    const members = groups.get(k)!;
    // Train, the largest split, unless it has too few examples asked once left to trade.
    const outside = (name: (typeof SPLIT_NAMES)[number]): number =>
      members.filter((e) => where.get(e.id) !== name).length;
    const tradable = (name: (typeof SPLIT_NAMES)[number]): number =>
      out[name].filter((e) => !repeated.has(key(e))).length;
    const target = SPLIT_NAMES.find((name) => tradable(name) >= outside(name)) ?? 'train';
    for (const member of members) {
      const from = where.get(member.id)!;
      if (from === target) continue;
      const singles = out[target].filter((e) => !repeated.has(key(e)));
      const sameStratum = singles.filter((e) => stratumOf.get(e.id) === stratumOf.get(member.id));
      const pool = sameStratum.length > 0 ? sameStratum : singles;
      if (pool.length === 0) continue; // nothing to trade with: the split is made of repeats
      const partner = pool[rng.int(pool.length)]!;
      out[target][out[target].indexOf(partner)] = member;
      out[from][out[from].indexOf(member)] = partner;
      where.set(member.id, target);
      where.set(partner.id, from);
    }
  }
}

const SPLIT_NAMES = ['train', 'val', 'test'] as const;

/** Rounds the proportional stratum × split table so rows and columns both sum exactly. */
function allocate(strataSizes: number[], splitSizes: number[]): number[][] {
  const total = strataSizes.reduce((a, b) => a + b, 0);
  const wanted = splitSizes.reduce((a, b) => a + b, 0);
  const share = strataSizes.map((n) => splitSizes.map((size) => (total === 0 ? 0 : (n * size) / total)));
  const table = share.map((row) => row.map(Math.floor));
  const rowLeft = strataSizes.map(
    (n, s) => Math.min(n, Math.round((n * wanted) / Math.max(total, 1))) - sum(table[s]!),
  );
  const colLeft = splitSizes.map((size, k) => size - sum(table.map((row) => row[k] ?? 0)));
  // Fix rounding of row targets so they add up to the columns' total.
  let drift = sum(colLeft) - sum(rowLeft);
  for (let s = 0; drift !== 0 && s < rowLeft.length; s = (s + 1) % rowLeft.length) {
    const capacity = strataSizes[s]! - sum(table[s]!) - rowLeft[s]!;
    if (drift > 0 && capacity > 0) {
      rowLeft[s]!++;
      drift--;
    } else if (drift < 0 && rowLeft[s]! > 0) {
      rowLeft[s]!--;
      drift++;
    }
  }
  const cells = share
    .flatMap((row, s) => row.map((value, k) => ({ s, k, fraction: value - Math.floor(value) })))
    .sort((a, b) => b.fraction - a.fraction || a.s - b.s || a.k - b.k);
  while (sum(colLeft) > 0) {
    for (const { s, k } of cells) {
      if (rowLeft[s]! > 0 && colLeft[k]! > 0) {
        table[s]![k]!++;
        rowLeft[s]!--;
        colLeft[k]!--;
      }
    }
  }
  return table;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

export function splitSizes(
  total: number,
  spec: Pick<SplitSpec, 'train' | 'val' | 'test'>,
): Record<'train' | 'val' | 'test', number> {
  const sum = spec.train + spec.val + spec.test;
  if (sum > 1 + 1e-9) {
    if (sum > total)
      throw new Error(
        `split asks for ${sum} examples (train ${spec.train} + val ${spec.val} + test ${spec.test}) but the dataset has ${total}; lower the counts or add data`,
      );
    return { train: spec.train, val: spec.val, test: spec.test };
  }
  const val = Math.round(total * spec.val);
  const test = Math.round(total * spec.test);
  return { train: total - val - test, val, test };
}

function groupStrata(examples: readonly Example[], spec: SplitSpec): Example[][] {
  const stratify = spec.stratify;
  if (stratify === 'none') return [[...examples]];
  if ('label' in stratify) {
    const groups = new Map<string, Example[]>();
    for (const e of examples) {
      const key = JSON.stringify(e.outputs[stratify.label] ?? e.inputs[stratify.label] ?? null);
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    return [...groups.keys()].sort().map((k) => groups.get(k)!);
  }
  // Score buckets: quantile buckets of a numeric field, so the rare extremes are their own strata.
  const value = (e: Example): number => Number(e.outputs[stratify.field] ?? e.inputs[stratify.field] ?? 0);
  const sorted = [...examples].sort((a, b) => value(a) - value(b) || (a.id < b.id ? -1 : 1));
  const buckets: Example[][] = Array.from({ length: Math.min(stratify.buckets, sorted.length) }, () => []);
  sorted.forEach((e, i) => buckets[Math.floor((i * buckets.length) / sorted.length)]!.push(e));
  return buckets;
}
