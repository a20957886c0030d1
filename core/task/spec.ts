import { LineCounter, parseDocument } from 'yaml';
import { knownKeysAt } from './schema-keys.js';
import { checkRoles, crossCheck, findLiteralKeys } from './spec-checks.js';
import { problemsFromZod, TaskSpecError } from './spec-errors.js';
import { taskSpecSchema, type TaskSpec, type TaskSpecInput } from './spec-schema.js';
import type { SpecProblem } from './spec-errors.js';
import { expandUrlVariables, urlFieldsOf, urlVariableProblem, type UrlVariableEnv } from './url-variables.js';

export interface ParseTaskSpecOptions {
  /**
   * The submitter's environment: `${NAME}` and `${NAME:-default}` in URL fields are expanded from it
   * (`url-variables.ts`). Without it nothing is expanded and a URL holding `${` is refused.
   */
  env?: UrlVariableEnv;
}

/**
 * Validates a task spec from YAML text. Throws a `TaskSpecError` listing every problem
 * found (syntax, schema, secrets, cross-references) rather than stopping at the first.
 */
export function parseTaskSpec(yamlText: string, fileName: string, options: ParseTaskSpecOptions = {}): TaskSpec {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new TaskSpecError(
      fileName,
      document.errors.map((error) => {
        const at = error.pos[0] !== undefined ? lineCounter.linePos(error.pos[0]) : undefined;
        return { path: at ? `line ${at.line}:${at.col}` : '', message: `YAML syntax: ${error.message.split('\n')[0]}` };
      }),
    );
  }
  const data = document.toJS() as unknown;
  if (!options.env) return validateTaskSpec(data, fileName);
  const expanded = expandUrlVariables(data, options.env);
  return validate(expanded.data, fileName, expanded.problems);
}

/** The same checks for a spec written as a TypeScript object. */
export function defineTask(spec: TaskSpecInput, name = 'defineTask()'): TaskSpec {
  return validateTaskSpec(spec, name);
}

export function validateTaskSpec(data: unknown, fileName: string): TaskSpec {
  return validate(data, fileName, []);
}

/** `expansion`: problems already found expanding URL variables; those fields are not reported again. */
function validate(data: unknown, fileName: string, expansion: SpecProblem[]): TaskSpec {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new TaskSpecError(fileName, [
      {
        path: '',
        message: 'a task spec must be a mapping with name, signature, data, seedPrompt, metric, models and roles',
      },
    ]);
  }
  // A URL still holding `${...}` is refused with what to do, not with "must be a URL".
  const templated = urlFieldsOf(data).filter((field) => field.value.includes('${'));
  const reported = new Set(expansion.map((p) => p.path));
  const unexpanded = templated
    .filter((field) => !reported.has(field.path))
    .map((field) => ({ path: field.path, message: urlVariableProblem(field.value)! }));
  const early = [...expansion, ...unexpanded, ...findLiteralKeys(data), ...checkRoles(data)];
  const parsed = taskSpecSchema.safeParse(data);
  if (!parsed.success) {
    const templatedPaths = new Set(templated.map((field) => field.path));
    const problems = problemsFromZod(parsed.error.issues, data, (path, d) =>
      knownKeysAt(taskSpecSchema, path, d),
    ).filter((problem) => !templatedPaths.has(problem.path));
    throw new TaskSpecError(fileName, [...early, ...problems]);
  }
  const problems = [...early, ...crossCheck(parsed.data)];
  if (problems.length > 0) throw new TaskSpecError(fileName, problems);
  return parsed.data;
}
