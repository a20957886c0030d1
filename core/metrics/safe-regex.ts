import { RE2JS } from 're2js';

/**
 * Task-supplied patterns run on RE2 semantics (re2js, a pure-JavaScript port of RE2): matching
 * takes time linear in the input whatever the pattern, so `(a+)+$` cannot hang a worker. The
 * price is RE2's syntax: no backreferences and no lookaround, which are refused when the task is
 * checked. JavaScript flags map onto RE2's: i, m, s; g and y mean nothing to a yes/no match and u
 * is always on.
 */
export interface SafeRegex {
  test(text: string): boolean;
}

export function compileSafeRegex(pattern: string, flags = ''): SafeRegex {
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  const compiled = RE2JS.compile(pattern, bits);
  return { test: (text) => compiled.test(text) };
}

/** Why a pattern cannot be used, or undefined when it can. */
export function safeRegexProblem(pattern: string, flags = ''): string | undefined {
  try {
    compileSafeRegex(pattern, flags);
    return undefined;
  } catch (error) {
    const detail = (error as Error).message;
    const hint = /Perl syntax|escape sequence/.test(detail)
      ? '; backreferences and lookaround (?=, ?!, ?<=) are not supported — rewrite the pattern without them'
      : '';
    return `not a valid pattern for the linear-time RE2 engine: ${detail}${hint}`;
  }
}
