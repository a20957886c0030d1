/** One labeled example: the inputs a prompt sees and the outputs the metric expects. */
export interface Example {
  /** Stable across runs: the `id` column when present, otherwise a hash of the content. */
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** A dataset row that could not be used, with where it is and what was wrong. */
export interface RowError {
  file: string;
  line: number;
  field?: string;
  message: string;
}

export function formatRowError(error: RowError): string {
  return `${error.file}:${error.line}: ${error.field ? `field "${error.field}": ` : ''}${error.message}`;
}
