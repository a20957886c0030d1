import { describe, expect, it } from 'vitest';
import { lineageSvg } from '../../../client/report/lineage-svg.js';
import { winnerLineage, type Candidate } from '../../../client/report/model.js';

const candidate = (hash: string, generation: number, operator: string, parents: string[], score: number | null) => ({
  hash: hash.padEnd(64, '0'),
  generation,
  operator,
  parents: parents.map((p) => p.padEnd(64, '0')),
  score,
  note: null,
});

// seed → mutate → reflect (the winner), beside a weaker sibling and one never fully evaluated.
const CANDIDATES: Candidate[] = [
  candidate('aa', 0, 'seed', [], 0.5),
  candidate('bb', 1, 'mutate', ['aa'], 0.6),
  candidate('cc', 1, 'crossover', ['aa'], 0.4),
  candidate('dd', 1, 'demo', ['aa'], null),
  candidate('ee', 2, 'reflect', ['bb'], 0.8),
];
const WINNER = 'ee'.padEnd(64, '0');

interface Dot {
  cx: number;
  cy: number;
  fill: string;
}

const dots = (svg: string): Dot[] =>
  [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+" fill="([^"]+)" class="dot"\/>/g)].map((m) => ({
    cx: Number(m[1]),
    cy: Number(m[2]),
    fill: m[3]!,
  }));
const texts = (svg: string, cls: string): string[] =>
  [...svg.matchAll(new RegExp(`class="${cls}">([^<]*)</text>`, 'g'))].map((m) => m[1]!);

describe('lineageSvg', () => {
  const lineage = winnerLineage(CANDIDATES, WINNER);
  const svg = lineageSvg(CANDIDATES, lineage, WINNER);

  it('draws the winner and its ancestors in their operators’ colours, joined parent to child', () => {
    expect(dots(svg).map((d) => d.fill)).toEqual(['#2f8a6e', '#3b6ea5', '#475569']); // reflect, mutate, seed
    expect(svg.match(/class="edge"/g)).toHaveLength(2);
    expect(svg.match(/class="halo"/g)).toHaveLength(1);
    expect(texts(svg, 'label win')).toEqual(['winner']);
    expect(texts(svg, 'label')).toEqual(['mutate', 'seed']);
  });

  it('places ancestors by generation (left to right) and score (higher is up)', () => {
    const [winner, mutate, seed] = dots(svg) as [Dot, Dot, Dot];
    expect(seed.cx).toBeLessThan(mutate.cx);
    expect(mutate.cx).toBeLessThan(winner.cx);
    expect(seed.cy).toBeGreaterThan(mutate.cy);
    expect(mutate.cy).toBeGreaterThan(winner.cy);
    expect(texts(svg, 'axis')).toEqual([
      ...['0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9'],
      ...['gen 0', 'gen 1', 'gen 2'],
      'validation score',
    ]);
  });

  it('shows the other scored candidates as grey dots and leaves unscored ones out', () => {
    const others = [...svg.matchAll(/class="other"><title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(others).toEqual(['crossover cc000000 · gen 1 · 0.400']);
  });

  it('escapes what the run wrote: operator names and notes are text', () => {
    const odd = [
      { ...CANDIDATES[0]!, operator: '<b>seed</b>' },
      { ...CANDIDATES[1]!, note: 'rules </svg><script>alert(1)</script>' },
      CANDIDATES[4]!,
    ];
    const out = lineageSvg(odd, winnerLineage(odd, WINNER), WINNER);
    expect(out).not.toMatch(/<b>|<script|<\/svg>.+/);
    expect(out).toContain('&#60;b&#62;seed&#60;/b&#62;');
    expect(dots(out).at(-1)!.fill).toBe('#8b95a3'); // an operator without a colour of its own
  });

  it('draws a run with only the seed without NaN', () => {
    const seed = CANDIDATES[0]!;
    const out = lineageSvg([seed], [seed], seed.hash);
    expect(out).not.toMatch(/NaN|Infinity|undefined/);
    expect(dots(out)).toHaveLength(1);
  });
});
