import { hashOf } from '../hash.js';
import { coerceInput, coerceOutput } from '../task/coerce.js';
import type { Signature } from '../task/signature.js';
import { readCsv } from './csv.js';
import type { Example, RowError } from './example.js';

export interface DatasetOptions {
  fileName: string;
  format: 'jsonl' | 'csv';
  signature: Signature;
  /** Source column/key → signature field name. */
  mapping?: Record<string, string>;
  idField?: string;
}

export interface ParsedDataset {
  rows: Example[];
  /** Every unusable row, not just the first: users fix a file in one pass. */
  errors: RowError[];
}

type RawRow = { line: number; values: Record<string, unknown> };

export function parseDataset(text: string, options: DatasetOptions): ParsedDataset {
  const errors: RowError[] = [];
  const raw =
    options.format === 'csv'
      ? readCsvRows(text, options.fileName, errors)
      : readJsonlRows(text, options.fileName, errors);
  const rows: Example[] = [];
  const seenIds = new Map<string, number>();
  for (const row of raw) {
    const example = toExample(row, options, errors);
    if (!example) continue;
    const previous = seenIds.get(example.id);
    if (previous !== undefined) {
      errors.push({
        file: options.fileName,
        line: row.line,
        message: `duplicate example id "${example.id}" (first seen on line ${previous})`,
      });
      continue;
    }
    seenIds.set(example.id, row.line);
    rows.push(example);
  }
  return { rows, errors: errors.sort((a, b) => a.line - b.line) };
}

function readJsonlRows(text: string, file: string, errors: RowError[]): RawRow[] {
  const rows: RawRow[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    if (lineText.trim() === '') return;
    try {
      const value = JSON.parse(lineText) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value))
        rows.push({ line: index + 1, values: value as Record<string, unknown> });
      else errors.push({ file, line: index + 1, message: 'each line must be a JSON object' });
    } catch (error) {
      errors.push({ file, line: index + 1, message: `malformed JSON line: ${jsonErrorWithoutText(error as Error)}` });
    }
  });
  return rows;
}

/**
 * JSON.parse quotes the text it failed on ('Unexpected token 'r', "root:x:0:0:..." is not valid
 * JSON'); errors name the file, line and what was wrong, never the line's content.
 */
function jsonErrorWithoutText(error: Error): string {
  const message = error.message.split('\n')[0] ?? '';
  const quote = message.indexOf('"');
  return quote < 0 ? message : `${message.slice(0, quote).replace(/[\s,]+$/, '')} (not valid JSON)`;
}

/** How many records a dataset holds (non-blank JSONL lines; CSV records after the header), without validating them. */
export function countRecords(text: string, format: 'jsonl' | 'csv'): number {
  if (format === 'csv') return Math.max(0, readCsv(text).records.length - 1);
  let count = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') count++;
  return count;
}

function readCsvRows(text: string, file: string, errors: RowError[]): RawRow[] {
  const { records, error } = readCsv(text);
  if (error) errors.push({ file, ...error });
  const [header, ...body] = records;
  if (!header) return [];
  const columns = header.cells.map((c) => c.trim());
  const rows: RawRow[] = [];
  for (const record of body) {
    if (record.cells.length !== columns.length) {
      errors.push({
        file,
        line: record.line,
        message: `expected ${columns.length} columns (from the header), found ${record.cells.length}`,
      });
      continue;
    }
    rows.push({ line: record.line, values: Object.fromEntries(columns.map((c, i) => [c, record.cells[i]])) });
  }
  return rows;
}

function toExample(row: RawRow, options: DatasetOptions, errors: RowError[]): Example | undefined {
  const { signature, fileName: file } = options;
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row.values)) mapped[options.mapping?.[key] ?? key] = value;
  const before = errors.length;
  const inputs: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(signature.inputs)) {
    const coerced = coerceInput(mapped[name], field.type);
    if (coerced.ok) inputs[name] = coerced.value;
    else errors.push({ file, line: row.line, field: name, message: coerced.problem });
  }
  for (const [name, type] of Object.entries(signature.outputs)) {
    const coerced = coerceOutput(mapped[name], type);
    if (coerced.ok) outputs[name] = coerced.value;
    else errors.push({ file, line: row.line, field: name, message: coerced.problem });
  }
  if (errors.length > before) return undefined;
  const idValue = mapped[options.idField ?? 'id'];
  const id =
    typeof idValue === 'string' && idValue.trim() !== ''
      ? idValue.trim()
      : typeof idValue === 'number'
        ? String(idValue)
        : hashOf({ inputs, outputs }).slice(0, 16);
  return { id, inputs, outputs };
}
