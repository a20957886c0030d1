import type { TaskSpec } from '../task/spec-schema.js';
import { parseDataset, type ParsedDataset } from './dataset.js';
import { formatRowError, type RowError } from './example.js';

/** A task's dataset file, read with the task's signature, field mapping and id column. */
export function parseTaskDataset(text: string, spec: TaskSpec, fileName: string): ParsedDataset {
  return parseDataset(text, {
    fileName,
    format: spec.data.format,
    signature: spec.signature,
    mapping: spec.data.mapping,
    idField: spec.data.idField,
  });
}

/** Every bad row, one per line (the first `limit`, then how many more). */
export function describeRowErrors(errors: readonly RowError[], limit = 20): string {
  const shown = errors.slice(0, limit).map(formatRowError);
  const more = errors.length > limit ? `\n... and ${errors.length - limit} more` : '';
  return `${shown.join('\n')}${more}`;
}
