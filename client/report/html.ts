import { signedScore } from '../number-format.js';
import { SCORE_EPSILON } from './model.js';

// Markup helpers shared by the section templates and the lineage plot: escaping (every string from
// the run is data, never markup) and the class names and colours the stylesheets key on.

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Escaped, with break opportunities after JSON's separators so structured outputs wrap at fields. */
export function escData(text: string): string {
  return esc(text).replace(/([,:])/g, '$1<wbr>');
}

/** JSON inside a script element: `<` escaped so no string in the data can close the element. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Only web links: a `javascript:` URL in the data must not become a clickable script. */
export function safeUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A content hash as the report shows it. */
export function short(hash: string): string {
  return hash.slice(0, 8);
}

/** A score difference, coloured by direction. */
export function deltaSpan(d: number): string {
  return `<span class="delta ${deltaClass(d)}">${signedScore(d)}</span>`;
}

export function deltaClass(d: number): string {
  return d > SCORE_EPSILON ? 'up' : d < -SCORE_EPSILON ? 'down' : 'flat';
}

export function scoreClass(score: number): string {
  return score >= 1 - SCORE_EPSILON ? 'pill-ok' : score <= SCORE_EPSILON ? 'pill-bad' : 'pill-mid';
}

export function statusClass(status: string): string {
  return ['completed', 'stopped', 'budget_exhausted', 'failed', 'running', 'paused'].includes(status)
    ? status
    : 'other';
}

/** One colour per operator, for its badge (`.op-<name>`) and its dots in the lineage plot. */
export const OP_COLORS: Record<string, string> = {
  seed: '#475569',
  mutate: '#3b6ea5',
  reflect: '#2f8a6e',
  crossover: '#8a63b8',
  differential: '#c0772a',
  merge: '#b5527a',
  demo: '#6f8f2d',
  bootstrap: '#4f8fb0',
  prune: '#9c6b4e',
};

export function opColor(op: string): string {
  return OP_COLORS[op] ?? '#8b95a3';
}

export function opClass(op: string): string {
  return op in OP_COLORS ? op : 'other';
}

/** The operator badges' colours, appended to the stylesheets so badges and plot share one palette. */
export function operatorCss(): string {
  return Object.entries(OP_COLORS)
    .map(([op, color]) => `.op-${op} { background: ${color}; }`)
    .join('\n');
}

/** An operator's badge. */
export function opBadge(op: string): string {
  return `<span class="op op-${esc(opClass(op))}">${esc(op)}</span>`;
}
