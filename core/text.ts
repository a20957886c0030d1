/** Small text helpers shared by spec validation, metrics and genome normalisation. */

/** Levenshtein distance; with a `cap`, `cap + 1` as soon as it is known to exceed the cap. */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      rowMin = Math.min(rowMin, previous[j]!);
      diagonal = above;
    }
    if (rowMin > cap) return cap + 1;
  }
  return previous[b.length] ?? 0;
}

/** The closest known name when it is plausibly a typo (distance ≤ max(2, a third of its length)). */
export function closestName(input: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(input.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** Trims, strips trailing spaces, collapses runs of spaces/tabs and of blank lines. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** One line, single-spaced: rules and labels never carry layout. */
export function normalizeInline(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Lower-case, whitespace-collapsed: the comparison used by exact-match style metrics. */
export function normalizeForComparison(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return normalizeInline(text).toLowerCase();
}

export function quoteList(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}
