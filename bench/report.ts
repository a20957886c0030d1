// What every benchmark prints: the machine, the date, its parameters, and markdown tables.
import { cpus, loadavg, totalmem } from 'node:os';

export function machineDescription(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `nproc ${cpus().length} (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, load average at start ${load}`;
}

export function printHeader(title: string, parameters: Record<string, string | number | boolean>): void {
  console.log(`## ${title}\n`);
  console.log(`- date: ${new Date().toISOString()}`);
  console.log(`- machine: ${machineDescription()}`);
  console.log(
    `- parameters: ${Object.entries(parameters)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}\n`,
  );
}

/** A markdown table with padded columns, as prettier would format it. */
export function markdownTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(3, ...cells.map((r) => r[c]?.length ?? 0)));
  const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** A whole number flag, with a message naming the flag when it is not one. */
export function intFlag(values: Record<string, unknown>, name: string, min = 1): number {
  const raw = values[name];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be a whole number ≥ ${min}, got "${String(raw)}"`);
  return n;
}

/** A comma-separated list of whole numbers, e.g. `--latencies 0,200`. */
export function intListFlag(values: Record<string, unknown>, name: string, min = 0): number[] {
  const raw = String(values[name]);
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < min)) {
    throw new Error(`--${name} must be comma-separated whole numbers ≥ ${min}, got "${raw}"`);
  }
  return list;
}

export const fixed = (value: number, digits = 1): string => value.toFixed(digits);

/** The median of repeated measurements (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
export const seconds = (ms: number): string => (ms / 1000).toFixed(1);
