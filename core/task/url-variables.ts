import { isSecretParamName } from '../policy/url-credentials.js';
import type { SpecProblem } from './spec-errors.js';

/**
 * Variables in a task file's URL fields: `${NAME}` and `${NAME:-default}`, filled in by the client
 * that submits the task file, from its own environment, before the spec is validated and sent. The
 * same file then runs against `http://127.0.0.1:8787/v1` on one machine and `http://model-server:8787/v1`
 * in Docker. Only URL fields are expanded (today `models.<name>.baseUrl`; a judge names a model, paths
 * are files), never keys or other text, and workers never expand anything: a URL that reaches them
 * with `${` in it is refused (`urlVariableProblem`).
 */

/** The URL fields of a raw (not yet validated) task spec, with their dotted paths. */
export function urlFieldsOf(data: unknown): { path: string; model: string; value: string }[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const models = (data as Record<string, unknown>)['models'];
  if (models === null || typeof models !== 'object' || Array.isArray(models)) return [];
  return Object.entries(models as Record<string, unknown>).flatMap(([model, endpoint]) => {
    if (endpoint === null || typeof endpoint !== 'object' || Array.isArray(endpoint)) return [];
    const value = (endpoint as Record<string, unknown>)['baseUrl'];
    return typeof value === 'string' ? [{ path: `models.${model}.baseUrl`, model, value }] : [];
  });
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The environment the client expands from: the submitter's own (`process.env` in `loadTaskFile`). */
export type UrlVariableEnv = Readonly<Record<string, string | undefined>>;

/**
 * Expands `${NAME}` and `${NAME:-default}` in one URL. As in a shell, `:-` also applies when the
 * variable is set but empty; `${NAME}` with NAME unset or empty is an error. A `$` not followed by
 * `{` is kept as it is. Variables named like credentials are refused: keys go in `apiKeyEnv`.
 */
export function expandUrl(value: string, env: UrlVariableEnv, path: string): { value: string } | SpecProblem {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf('${', i);
    if (start < 0) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, start);
    const end = value.indexOf('}', start + 2);
    if (end < 0) {
      return { path, message: `"${value.slice(start)}" is not closed; write \${NAME} or \${NAME:-default}` };
    }
    const body = value.slice(start + 2, end);
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    const fallback = sep < 0 ? undefined : body.slice(sep + 2);
    if (!NAME.test(name) || fallback?.includes('${')) {
      return {
        path,
        message: `"\${${body}}" is not a variable a URL may use; write \${NAME} or \${NAME:-default} (NAME: letters, digits, _)`,
      };
    }
    if (isSecretParamName(name)) {
      return {
        path,
        message: `\${${name}} is named like a credential; a URL may not carry keys (they would be stored with the run): name the key's variable in apiKeyEnv instead`,
      };
    }
    const set = env[name];
    if (set !== undefined && set !== '') out += set;
    else if (fallback !== undefined) out += fallback;
    else {
      return {
        path,
        message: `\${${name}} is not set in the environment of the client submitting the task; export ${name} there, or write \${${name}:-<default URL>}`,
      };
    }
    i = end + 1;
  }
  return { value: out };
}

/**
 * Expands every URL field of a raw task spec from `env`. Returns a copy with the expanded URLs, and
 * one problem per field that could not be expanded (naming the field and the variable).
 */
export function expandUrlVariables(data: unknown, env: UrlVariableEnv): { data: unknown; problems: SpecProblem[] } {
  const fields = urlFieldsOf(data).filter((f) => f.value.includes('${'));
  if (fields.length === 0) return { data, problems: [] };
  const spec = data as Record<string, unknown>;
  const models = { ...(spec['models'] as Record<string, Record<string, unknown>>) };
  const problems: SpecProblem[] = [];
  for (const field of fields) {
    const expanded = expandUrl(field.value, env, field.path);
    if ('value' in expanded) models[field.model] = { ...models[field.model], baseUrl: expanded.value };
    else problems.push(expanded);
  }
  return { data: { ...spec, models }, problems };
}

/**
 * What is wrong with a URL that still holds `${...}` where it is used (validation without the
 * client's expansion, or a worker): nothing expands it there, so it is refused rather than sent.
 */
export function urlVariableProblem(url: string): string | undefined {
  const at = url.indexOf('${');
  if (at < 0) return undefined;
  const end = url.indexOf('}', at);
  const variable = end < 0 ? url.slice(at) : url.slice(at, end + 1);
  return (
    `${variable} was not filled in: variables in URLs are expanded only by the client when it loads a task file ` +
    `(promptevo run, PromptevoClient.startRun), from the submitter's environment; nothing expands them later ` +
    `(not an adjusted spec, never a worker). Submit the task file through the client with the variable set there, ` +
    `or write the URL out`
  );
}
