import { score } from '../number-format.js';
import { esc, opColor, short } from './html.js';
import type { Candidate } from './model.js';

/**
 * The winner's lineage over generations, placed by validation score, with the run's other scored
 * candidates as grey dots behind it. Static SVG, so the plot needs no script.
 */
export function lineageSvg(candidates: Candidate[], lineage: Candidate[], winnerHash: string): string {
  const W = 1040;
  const H = 280;
  const m = { left: 52, right: 28, top: 26, bottom: 40 };
  const scored = candidates.filter((c): c is Candidate & { score: number } => c.score !== null);
  const gens = candidates.map((c) => c.generation);
  const g0 = Math.min(...gens);
  const g1 = Math.max(...gens);
  const scores = scored.map((c) => c.score);
  const { lo, hi, step } = niceRange(
    scores.length > 0 ? Math.min(...scores) : 0,
    scores.length > 0 ? Math.max(...scores) : 1,
  );
  const colW = (W - m.left - m.right) / Math.max(1, g1 - g0 + 1);
  const x = (g: number): number => m.left + (g - g0 + 0.5) * colW;
  const y = (s: number | null): number => H - m.bottom - (((s ?? lo) - lo) / (hi - lo)) * (H - m.top - m.bottom);

  // Ancestors sharing a generation are spread sideways, parents to the left of their children.
  const depth = lineageDepths(lineage);
  const pos = new Map<string, { x: number; y: number }>();
  const perGen = new Map<number, Candidate[]>();
  for (const c of lineage) perGen.set(c.generation, [...(perGen.get(c.generation) ?? []), c]);
  for (const [g, group] of perGen) {
    group.sort((a, b) => (depth.get(a.hash) ?? 0) - (depth.get(b.hash) ?? 0) || (a.score ?? 0) - (b.score ?? 0));
    const spread = Math.min(64, (colW * 0.8) / Math.max(1, group.length - 1));
    group.forEach((c, i) => pos.set(c.hash, { x: x(g) + (i - (group.length - 1) / 2) * spread, y: y(c.score) }));
  }

  const parts: string[] = [];
  for (let t = 0; lo + t * step <= hi + 1e-9; t++) {
    const v = lo + t * step;
    parts.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${r1(y(v))}" y2="${r1(y(v))}" class="grid"/><text x="${m.left - 8}" y="${r1(y(v) + 4)}" text-anchor="end" class="axis">${v.toFixed(step < 0.1 ? 2 : 1)}</text>`,
    );
  }
  for (let g = g0; g <= g1; g++) {
    parts.push(`<text x="${r1(x(g))}" y="${H - m.bottom + 20}" text-anchor="middle" class="axis">gen ${g}</text>`);
  }
  parts.push(
    `<text x="14" y="${r1((H - m.bottom + m.top) / 2)}" transform="rotate(-90 14 ${r1((H - m.bottom + m.top) / 2)})" text-anchor="middle" class="axis">validation score</text>`,
  );
  const inLineage = new Set(lineage.map((c) => c.hash));
  for (const c of scored) {
    if (inLineage.has(c.hash)) continue;
    const jitter = ((hashNumber(c.hash) % 1000) / 1000 - 0.5) * colW * 0.6;
    parts.push(
      `<circle cx="${r1(x(c.generation) + jitter)}" cy="${r1(y(c.score))}" r="3.5" class="other"><title>${esc(`${c.operator} ${short(c.hash)} · gen ${c.generation} · ${score(c.score)}`)}</title></circle>`,
    );
  }
  for (const c of lineage) {
    const to = pos.get(c.hash)!;
    for (const p of new Set(c.parents)) {
      const from = pos.get(p);
      if (!from) continue;
      const mid = (from.x + to.x) / 2;
      parts.push(
        `<path d="M${r1(from.x)},${r1(from.y)} C${r1(mid)},${r1(from.y)} ${r1(mid)},${r1(to.y)} ${r1(to.x)},${r1(to.y)}" class="edge"/>`,
      );
    }
  }
  // Labels go above their dot, or below when that would overlap a label already placed;
  // the winner is placed first so its label is never the one displaced.
  const placed: { x0: number; x1: number; y0: number; y1: number }[] = [];
  const ordered = [...lineage].sort((a, b) => Number(b.hash === winnerHash) - Number(a.hash === winnerHash));
  for (const c of ordered) {
    const p = pos.get(c.hash)!;
    const isWinner = c.hash === winnerHash;
    const label = isWinner ? 'winner' : c.operator;
    const halfWidth = label.length * 3.3 + 2;
    const gap = isWinner ? 16 : 11;
    const box = (baseline: number) => ({
      x0: p.x - halfWidth,
      x1: p.x + halfWidth,
      y0: baseline - 10,
      y1: baseline + 2,
    });
    const free = (b: ReturnType<typeof box>): boolean =>
      placed.every((o) => b.x1 < o.x0 || b.x0 > o.x1 || b.y1 < o.y0 || b.y0 > o.y1);
    const above = box(p.y - gap);
    const below = box(p.y + gap + 9);
    const chosen = free(above) || !free(below) ? above : below;
    placed.push(chosen);
    parts.push(
      `<g class="anc"><title>${esc(`${c.operator} ${short(c.hash)} · gen ${c.generation} · ${score(c.score)}${c.note ? `\n${c.note}` : ''}`)}</title>` +
        (isWinner ? `<circle cx="${r1(p.x)}" cy="${r1(p.y)}" r="11" class="halo"/>` : '') +
        `<circle cx="${r1(p.x)}" cy="${r1(p.y)}" r="${isWinner ? 7 : 6}" fill="${opColor(c.operator)}" class="dot"/>` +
        `<text x="${r1(p.x)}" y="${r1(chosen.y1 - 2)}" text-anchor="middle" class="label${isWinner ? ' win' : ''}">${esc(label)}</text></g>`,
    );
  }
  return `<svg class="lineage-plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="Winner lineage by generation and validation score">${parts.join('')}</svg>`;
}

/** Steps from the seed, so same-generation ancestors can be ordered parent before child. */
function lineageDepths(lineage: Candidate[]): Map<string, number> {
  const byHash = new Map(lineage.map((c) => [c.hash, c]));
  const depth = new Map<string, number>();
  const visit = (c: Candidate, trail: Set<string>): number => {
    const known = depth.get(c.hash);
    if (known !== undefined) return known;
    if (trail.has(c.hash)) return 0;
    trail.add(c.hash);
    const parents = c.parents.map((p) => byHash.get(p)).filter((p): p is Candidate => p !== undefined);
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => visit(p, trail)));
    depth.set(c.hash, d);
    return d;
  };
  for (const c of lineage) visit(c, new Set());
  return depth;
}

/** A score axis from a little below the lowest score to a little above the highest, in round steps. */
function niceRange(min: number, max: number): { lo: number; hi: number; step: number } {
  const span = Math.max(max - min, 0.05);
  const step = span > 0.5 ? 0.2 : span > 0.2 ? 0.1 : 0.05;
  const lo = Math.max(0, Math.floor((min - span * 0.08) / step) * step);
  const hi = Math.max(lo + step, Math.ceil((max + span * 0.08) / step) * step);
  return { lo, hi, step };
}

/** A stable number from a hash, so a grey dot's sideways jitter is the same in every rendering. */
function hashNumber(hash: string): number {
  let h = 0;
  for (let i = 0; i < hash.length; i++) h = (h * 31 + hash.charCodeAt(i)) >>> 0;
  return h;
}

function r1(n: number): string {
  return n.toFixed(1);
}
