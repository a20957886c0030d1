import { score, signedScore } from '../../number-format.js';
import { deltaClass, esc, opBadge, short } from '../html.js';
import { lineageSvg } from '../lineage-svg.js';
import { bestParentScore, operatorStats, winnerLineage, type Candidate } from '../model.js';
import type { RunReportData } from '../types.js';

/** The winner's ancestry: the plot, the tree of candidates back to the seed, and how each operator did. */
export function renderLineage(data: RunReportData): string {
  const lineage = winnerLineage(data.candidates, data.winner.hash);
  if (lineage.length === 0) {
    return `<section class="panel"><h2>Winner lineage</h2><p class="muted">The winner is not among the run's candidates.</p></section>`;
  }
  return `<section class="panel">
  <h2>Winner lineage</h2>
  <p class="caption">Every candidate the winner descends from (${lineage.length} including the winner), placed by generation and validation score; grey dots are the rest of the run's candidates. Below, each candidate is followed by the parent it was made from; where it had several, each parent's line indents.</p>
  ${lineageSvg(data.candidates, lineage, data.winner.hash)}
  <div class="lineage-layout">
    <ol class="tree">${lineageTree(data.candidates, lineage[0]!, data.winner.hash)}</ol>
    ${operatorTable(data.candidates, lineage)}
  </div>
</section>`;
}

/**
 * The list items of the tree from `root` down. A diamond in the ancestry (two parents sharing a
 * grandparent) would repeat whole subtrees, so each candidate is drawn once and later mentions
 * become links back to it. A candidate with one new parent continues its list instead of nesting,
 * so only real branching indents: a long run of single-parent operators stays readable.
 */
function lineageTree(candidates: Candidate[], root: Candidate, winnerHash: string): string {
  const byHash = new Map(candidates.map((c) => [c.hash, c]));
  const shown = new Set<string>();
  const chip = (hash: string): string => {
    const c = byHash.get(hash);
    return c
      ? `<a href="#lineage-${esc(hash)}">${opBadge(c.operator)} <code>${esc(short(hash))}</code></a> <span class="muted">gen ${c.generation}</span>`
      : `<code>${esc(short(hash))}</code> <span class="muted">(not in this report)</span>`;
  };
  const chain = (c: Candidate): string[] => {
    shown.add(c.hash);
    const parents = [...new Set(c.parents)];
    const fresh: Candidate[] = [];
    const refs: string[] = [];
    for (const p of parents) {
      const parent = byHash.get(p);
      if (parent && !shown.has(p) && !fresh.includes(parent)) fresh.push(parent);
      else refs.push(chip(p));
    }
    // Claim the fresh parents before descending, so one branch does not draw another's parent.
    for (const f of fresh) shown.add(f.hash);
    const branches = fresh.length > 1 ? fresh.map((f) => `<ol class="branch">${chain(f).join('')}</ol>`).join('') : '';
    const bestParent = bestParentScore(c, byHash);
    const isWinner = c.hash === winnerHash;
    // Notes that only repeat the operator's name add nothing next to its badge.
    const note = c.note && c.note.trim().toLowerCase() !== c.operator.toLowerCase() ? c.note : null;
    const item = `<li id="lineage-${esc(c.hash)}" data-lineage-hash="${esc(c.hash)}" data-generation="${c.generation}">
  <div class="node${isWinner ? ' is-winner' : ''}">
    ${opBadge(c.operator)}
    <code title="${esc(c.hash)}">${esc(short(c.hash))}</code>
    <span class="muted">gen ${c.generation}</span>
    <span class="score">${score(c.score)}</span>
    ${bestParent !== null && c.score !== null ? `<span class="delta ${deltaClass(c.score - bestParent)}">${signedScore(c.score - bestParent)} vs best parent</span>` : ''}
    ${isWinner ? '<span class="tag tag-win">winner</span>' : ''}
    ${note ? `<div class="note">${esc(note)}</div>` : ''}
    ${refs.length > 0 ? `<div class="refs" title="Drawn once elsewhere in this tree; follow the link">${fresh.length > 0 ? 'also made from' : 'made from'} ${refs.join('<span class="sep">,</span> ')}</div>` : ''}
  </div>
  ${branches}
</li>`;
    return fresh.length === 1 ? [item, ...chain(fresh[0]!)] : [item];
  };
  return chain(root).join('');
}

function operatorTable(candidates: Candidate[], lineage: Candidate[]): string {
  const body = operatorStats(candidates, lineage)
    .map(
      (r) =>
        `<tr><td>${opBadge(r.operator)}</td><td class="num">${r.made}</td><td class="num">${score(r.mean)}</td><td class="num">${score(r.best)}</td><td class="num">${r.inLineage}</td></tr>`,
    )
    .join('');
  return `<div class="operators">
    <h3>Operators</h3>
    <table>
      <thead><tr><th>Operator</th><th class="num">Made</th><th class="num">Mean</th><th class="num">Best</th><th class="num">In lineage</th></tr></thead>
      <tbody>${body}</tbody>
    </table>
    <p class="caption">Mean and best validation score over the candidates each operator made that were fully evaluated.</p>
  </div>`;
}
