import type { z } from 'zod';
import { closestName, quoteList } from '../text.js';

export interface SpecProblem {
  /** Dotted path inside the spec, e.g. `metric.kind` or `models.gpt.apiKeyEnv`. */
  path: string;
  message: string;
}

/** Every problem in a task spec at once, each as `file: path: what was expected`. */
export class TaskSpecError extends Error {
  constructor(
    readonly fileName: string,
    readonly problems: SpecProblem[],
  ) {
    super(
      `${fileName}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the task spec:\n` +
        problems.map((p) => `  ${fileName}: ${p.path || '(top level)'}: ${p.message}`).join('\n'),
    );
    this.name = 'TaskSpecError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function suggest(got: unknown, known: readonly string[]): string {
  const guess = typeof got === 'string' ? closestName(got, known) : undefined;
  return guess ? ` — did you mean "${guess}"?` : '';
}

/** Zod issues → problems with typo suggestions for enum-like names and unknown keys. */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  knownKeys: KnownKeys,
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const got = valueAt(data, issue.path);
    if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
      const options = issue.options.map(String);
      problems.push({
        path,
        message: `expected one of ${quoteList(options)}, got ${JSON.stringify(got)}${suggest(got, options)}`,
      });
    } else if (issue.code === 'invalid_value') {
      const values = issue.values.map(String);
      problems.push({
        path,
        message: `expected one of ${quoteList(values)}, got ${JSON.stringify(got)}${suggest(got, values)}`,
      });
    } else if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(issue.path, data);
      for (const key of issue.keys) {
        const hint = suggest(key, known) || (known.length ? ` (known keys: ${known.join(', ')})` : '');
        problems.push({ path: formatPath([...issue.path, key]), message: `unknown key${hint}` });
      }
    } else if (issue.code === 'invalid_type' && got === undefined) {
      problems.push({ path, message: `required (expected ${issue.expected})` });
    } else if (issue.code === 'invalid_union') {
      // Shorthand-or-object unions: report the object branch, which says the most.
      const branches = issue.errors;
      const last = branches[branches.length - 1];
      const nested = last ? problemsFromZod(last, data, knownKeys) : [];
      problems.push(...(nested.length ? nested : [{ path, message: issue.message }]));
    } else {
      problems.push({ path, message: issue.message });
    }
  }
  return dedupe(problems);
}

function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.path}\u0000${p.message}`) && seen.add(`${p.path}\u0000${p.message}`));
}

export type KnownKeys = (path: readonly PropertyKey[], data: unknown) => string[];
