import { LineCounter, parseDocument } from 'yaml';
import { knownKeysAt } from './schema-keys.js';
import { checkRoles, crossCheck, findLiteralKeys } from './spec-checks.js';
import { problemsFromZod, TaskSpecError } from './spec-errors.js';
import { taskSpecSchema, type TaskSpec, type TaskSpecInput } from './spec-schema.js';

/**
 * Validates a task spec from YAML text. Throws a `TaskSpecError` listing every problem
 * found (syntax, schema, secrets, cross-references) rather than stopping at the first.
 */
export function parseTaskSpec(yamlText: string, fileName: string): TaskSpec {
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
  return validateTaskSpec(document.toJS() as unknown, fileName);
}

/** The same checks for a spec written as a TypeScript object. */
export function defineTask(spec: TaskSpecInput, name = 'defineTask()'): TaskSpec {
  return validateTaskSpec(spec, name);
}

export function validateTaskSpec(data: unknown, fileName: string): TaskSpec {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new TaskSpecError(fileName, [
      {
        path: '',
        message: 'a task spec must be a mapping with name, signature, data, seedPrompt, metric, models and roles',
      },
    ]);
  }
  const early = [...findLiteralKeys(data), ...checkRoles(data)];
  const parsed = taskSpecSchema.safeParse(data);
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error.issues, data, (path, d) => knownKeysAt(taskSpecSchema, path, d));
    throw new TaskSpecError(fileName, [...early, ...problems]);
  }
  const problems = [...early, ...crossCheck(parsed.data)];
  if (problems.length > 0) throw new TaskSpecError(fileName, problems);
  return parsed.data;
}
