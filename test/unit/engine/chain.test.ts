import { describe, expect, it } from 'vitest';
import { chainTip, extendWinners, nextRunnersUp, plansOnTip, type Winner } from '../../../core/engine/chain.js';
import type { Member } from '../../../core/engine/types.js';

const child = (hash: string, parent: string): Member => ({
  hash,
  operator: 'reflect',
  parents: [parent],
  score: 0,
  scores: [],
});
const win = (hash: string, parent: string, gain: number): Winner => ({ child: child(hash, parent), gain });

describe('chained winners', () => {
  it('takes the largest gain as the tip, ties by hash, and none before a winner', () => {
    expect(chainTip([])).toBeUndefined();
    expect(chainTip([win('b', 's', 2), win('a', 's', 2), win('c', 's', 1)])?.child.hash).toBe('a');
  });

  it('a winner built on an earlier winner replaces it, carrying the summed gain; others stay', () => {
    const first = [win('a', 's', 2), win('b', 's', 1)];
    const next = extendWinners(first, [win('c', 'a', 1), win('d', 'x', 3)]);
    expect(next.map((w) => [w.child.hash, w.gain])).toEqual([
      ['b', 1],
      ['c', 3],
      ['d', 3],
    ]);
    // Two winners on the same link both extend it; the link leaves once.
    expect(extendWinners([win('a', 's', 1)], [win('c', 'a', 1), win('e', 'a', 2)]).map((w) => w.child.hash)).toEqual([
      'c',
      'e',
    ]);
  });

  it('moves each plan onto the tip as its primary parent, keeping the partners it drew', () => {
    const plans = [
      { operator: 'reflect' as const, parents: ['p'], seed: 1 },
      { operator: 'crossover' as const, parents: ['p', 'q'], seed: 2 },
      { operator: 'crossover' as const, parents: ['q', 't'], seed: 3 },
      { operator: 'differential' as const, parents: ['p', 'q', 'r', 'best'], seed: 4 },
    ];
    expect(plansOnTip(plans, 't').map((p) => p.parents)).toEqual([
      ['t'],
      ['t', 'q'],
      ['t', 'q'],
      ['t', 'q', 'r', 'best'],
    ]);
  });

  it("keeps as runners-up this generation's unvalidated winners by gain, then earlier ones, at most four", () => {
    const earlier = [child('e1', 's'), child('e2', 's'), child('c', 's')];
    const winners = [win('a', 's', 1), win('b', 's', 3), win('c', 's', 2), win('v', 's', 5)];
    const kept = nextRunnersUp(earlier, winners, new Set(['v']));
    expect(kept.map((m) => m.hash)).toEqual(['b', 'c', 'a', 'e1']);
    // Unscored members: what a payload carries, whatever the input held.
    for (const m of kept) expect(m).toMatchObject({ score: 0, scores: [] });
    expect(nextRunnersUp(earlier, [], new Set(['e1'])).map((m) => m.hash)).toEqual(['e2', 'c']);
    expect(nextRunnersUp([], [win('x', 's', 1)], new Set(), 0)).toEqual([]);
  });
});
