/**
 * `name: value` lines, one field per line; continuation lines of a multi-line value are
 * indented by two spaces (the wire format in docs/PROMPT-FORMAT.md).
 */
export function renderFieldValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? '';
}

export function renderFields(values: Record<string, unknown>, order: readonly string[] = Object.keys(values)): string {
  return order
    .filter((name) => values[name] !== undefined)
    .map((name) => `${name}: ${renderFieldValue(values[name]).replace(/\r\n?/g, '\n').split('\n').join('\n  ')}`)
    .join('\n');
}
