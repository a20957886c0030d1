/**
 * Numbers as promptevo prints them for people, in the CLI (`client/format.ts`, `watch`) and in the
 * HTML report alike; `--json` prints the raw numbers instead.
 */

/** A metric score (a 0..1 mean) at three decimals; `n/a` when there is none. */
export const score = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.toFixed(3));

/** A difference of scores with its sign, a true minus for a loss: `+0.020`, `−0.013`. */
export function signedScore(d: number): string {
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(3)}`;
}

/** A count with thousands separators: `12,345`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A share as a percentage; one decimal below 10%, so a small share does not read as 0%. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 && share > 0 ? 1 : 0)}%`;
}

/** Dollars with the decimals a small amount needs: `$0.0031`, `$0.524`, `$1,204.50`. */
export function usd(v: number): string {
  if (v === 0) return '$0.00';
  if (Math.abs(v) < 0.01) return `$${v.toFixed(4)}`;
  if (Math.abs(v) < 1) return `$${v.toFixed(3)}`;
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The time between two ISO timestamps: `47 s`, `12 min 3 s`, `2 h 5 min`; empty when it is not a forward span. */
export function duration(fromIso: string, toIso: string): string {
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${s % 60} s`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** An ISO timestamp to the minute in UTC, so it reads the same wherever it is printed; null when it is not a date. */
export function utcMinute(iso: string): string | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
