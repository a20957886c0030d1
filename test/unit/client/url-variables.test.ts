import { describe, expect, it } from 'vitest';
import { apiKeyFor } from '../../../activities/task-policy.js';
import { loadTaskFile } from '../../../client/task-file.js';
import { checkSpecPolicy } from '../../../core/policy/check-spec.js';
import { parseKeyHosts } from '../../../core/policy/key-hosts.js';
import type { TaskPolicy } from '../../../core/policy/types.js';
import type { TaskSpec } from '../../../core/task/spec-schema.js';
import { defineTask, parseTaskSpec } from '../../../core/task/spec.js';
import { expandUrl } from '../../../core/task/url-variables.js';
import { validTaskYaml } from '../core/fixtures.js';

const policy = (keyHosts = ''): TaskPolicy => ({
  keyPrefix: 'PROMPTEVO_KEY_',
  keyHosts: parseKeyHosts(keyHosts, 'PROMPTEVO_KEY_').bindings,
  dataRoots: ['/srv/data'],
  moduleRoots: [],
  maxDatasetBytes: 1000,
  maxDatasetRows: 10,
});

/** The fixture task with its endpoint's baseUrl (and optionally its key variable) replaced. */
const yamlWith = (baseUrl: string, apiKeyEnv = 'LOCAL_API_KEY'): string =>
  validTaskYaml
    .replace('baseUrl: http://localhost:8080/v1', `baseUrl: ${baseUrl}`)
    .replace('apiKeyEnv: LOCAL_API_KEY', `apiKeyEnv: ${apiKeyEnv}`);

const parse = (yaml: string, env: Record<string, string | undefined>): TaskSpec =>
  parseTaskSpec(yaml, 'task.yaml', { env });

const problemsOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('URL variables, expanded by the submitting client', () => {
  it('takes ${NAME} and ${NAME:-default} from the environment, the default when unset or empty', () => {
    const url = '${MS_URL:-http://127.0.0.1:8787/v1}';
    expect(parse(yamlWith(url), {}).models.local!.baseUrl).toBe('http://127.0.0.1:8787/v1');
    expect(parse(yamlWith(url), { MS_URL: '' }).models.local!.baseUrl).toBe('http://127.0.0.1:8787/v1');
    expect(parse(yamlWith(url), { MS_URL: 'http://model-server:8787/v1' }).models.local!.baseUrl).toBe(
      'http://model-server:8787/v1',
    );
    expect(parse(yamlWith('http://${MS_HOST}:${MS_PORT:-8787}/v1'), { MS_HOST: 'gpu-1' }).models.local!.baseUrl).toBe(
      'http://gpu-1:8787/v1',
    );
    // A `$` not followed by `{` is part of the URL.
    expect(expandUrl('http://h/v1?x=$y', {}, 'p')).toEqual({ value: 'http://h/v1?x=$y' });
  });

  it('a variable that is not set and has no default is an error naming the field and the variable', () => {
    const message = problemsOf(() => parse(yamlWith('${MS_URL}'), { OTHER: 'x' }));
    expect(message).toMatch(
      /task\.yaml: models\.local\.baseUrl: \$\{MS_URL\} is not set in the environment of the client submitting the task; export MS_URL there/,
    );
    expect(message).not.toMatch(/must be a URL/); // one problem per field, the one that says what to do
    expect(problemsOf(() => parse(yamlWith('${MS_URL}'), { MS_URL: '' }))).toMatch(/\$\{MS_URL\} is not set/);
  });

  it('lists the problem with every other problem of the file', () => {
    const message = problemsOf(() => parse(yamlWith('${MS_URL}').replace('kind: exact_match', 'kind: exact'), {}));
    expect(message).toMatch(/2 problems/);
    expect(message).toMatch(/models\.local\.baseUrl: \$\{MS_URL\} is not set/);
    expect(message).toMatch(/metric\.kind/);
  });

  it('refuses malformed references and variables named like credentials', () => {
    expect(problemsOf(() => parse(yamlWith('${MS_URL'), {}))).toMatch(/"\$\{MS_URL" is not closed/);
    expect(problemsOf(() => parse(yamlWith('"${1X}"'), {}))).toMatch(/"\$\{1X\}" is not a variable a URL may use/);
    expect(problemsOf(() => parse(yamlWith('"${A:-${B}}"'), {}))).toMatch(/is not a variable a URL may use/);
    expect(problemsOf(() => parse(yamlWith('"${A:?x}"'), {}))).toMatch(/is not a variable a URL may use/);
    const env = { OPENAI_API_KEY: 'placeholder-credential-value', PROMPTEVO_KEY_LOCAL: 'k' };
    for (const name of ['OPENAI_API_KEY', 'PROMPTEVO_KEY_LOCAL']) {
      const message = problemsOf(() => parse(yamlWith(`https://api.example.com/v1/\${${name}}`), env));
      expect(message).toMatch(new RegExp(`\\$\\{${name}\\} is named like a credential`));
      expect(message).not.toContain('placeholder-credential');
    }
  });

  it('checks the expanded URL like any other: credentials in it are refused without echoing them', () => {
    const env = { MS_URL: 'http://me:hunter2-hunter2@127.0.0.1:8787/v1' };
    const message = problemsOf(() => parse(yamlWith('${MS_URL}'), env));
    expect(message).toMatch(/models\.local\.baseUrl: the URL carries credentials/);
    expect(message).not.toContain('hunter2');
    expect(problemsOf(() => parse(yamlWith('${MS_URL}'), { MS_URL: 'not a url' }))).toMatch(
      /models\.local\.baseUrl: must be a URL/,
    );
  });

  it('expands nothing outside URL fields: text, names and paths keep their ${...}', () => {
    const yaml = yamlWith('${MS_URL:-http://127.0.0.1:8787/v1}')
      .replace('seedPrompt: Route each ticket to the right team.', 'seedPrompt: Route ${HOME} tickets.')
      .replace('path: ./tickets.csv', 'path: ./${DATA}.csv')
      .replace('name: ticket-router', 'name: ticket-router\ndescription: "uses ${MS_URL}"');
    const spec = parse(yaml, { HOME: '/root', DATA: 'secret', MS_URL: 'http://m:1/v1' });
    expect(spec.models.local!.baseUrl).toBe('http://m:1/v1');
    expect(spec.data.path).toBe('./${DATA}.csv');
    expect(JSON.stringify(spec.seedPrompt)).toContain('Route ${HOME} tickets.');
    expect(spec.description).toBe('uses ${MS_URL}');
    // A key is named, never expanded: `${...}` is not a variable name.
    expect(problemsOf(() => parse(yamlWith('http://h/v1', '${PROMPTEVO_KEY_LOCAL}'), {}))).toMatch(
      /models\.local\.apiKeyEnv: must be the NAME of an environment variable/,
    );
  });

  it('without the client (no environment given, an adjusted spec, defineTask) a ${...} URL is refused, saying what to do', () => {
    const yaml = yamlWith('${MS_URL:-http://127.0.0.1:8787/v1}');
    expect(problemsOf(() => parseTaskSpec(yaml, 'task.yaml'))).toMatch(
      /models\.local\.baseUrl: \$\{MS_URL:-http:\/\/127\.0\.0\.1:8787\/v1\} was not filled in: variables in URLs are expanded only by the client when it loads a task file/,
    );
    const spec = parse(yaml, {});
    const adjusted = { ...spec, models: { local: { ...spec.models.local!, baseUrl: 'http://${HOST}/v1' } } };
    expect(problemsOf(() => defineTask(adjusted))).toMatch(/models\.local\.baseUrl: \$\{HOST\} was not filled in/);
  });
});

describe('loadTaskFile (the submitter)', () => {
  it('expands the examples from its own environment before anything is sent', () => {
    const local = loadTaskFile('examples/ticket-routing/task.yaml', {});
    expect(Object.values(local.spec.models).map((m) => m.baseUrl)).toEqual([
      'http://127.0.0.1:8787/v1',
      'http://127.0.0.1:8787/v1',
    ]);
    const compose = loadTaskFile('examples/ticket-routing/task.yaml', {
      PROMPTEVO_MODEL_SERVER_URL: 'http://model-server:8787/v1',
    });
    expect(Object.values(compose.spec.models).map((m) => m.baseUrl)).toEqual([
      'http://model-server:8787/v1',
      'http://model-server:8787/v1',
    ]);
    expect(JSON.stringify(compose.spec)).not.toContain('${');
  });
});

describe('the task policy on expanded URLs', () => {
  const keyed = (env: Record<string, string>): TaskSpec =>
    parse(yamlWith('${MS_URL:-http://127.0.0.1:8787/v1}', 'PROMPTEVO_KEY_LOCAL'), env);

  it('judges the key → host binding on the URL as the client expanded it', () => {
    const bound = policy('PROMPTEVO_KEY_LOCAL=127.0.0.1:8787');
    expect(checkSpecPolicy(keyed({}), bound)).toEqual([]);
    expect(checkSpecPolicy(keyed({ MS_URL: 'http://listener.example:9000/v1' }), bound)).toEqual([
      expect.objectContaining({
        rule: 'key-host',
        path: 'models.local.baseUrl',
        message: expect.stringContaining('not to listener.example:9000'),
      }),
    ]);
  });
});

describe('workers never expand', () => {
  const spec = parse(yamlWith('http://127.0.0.1:8787/v1', 'PROMPTEVO_KEY_LOCAL'), {});
  const unexpanded = (baseUrl: string, apiKeyEnv?: string): TaskSpec => ({
    ...spec,
    models: { local: { ...spec.models.local!, baseUrl, apiKeyEnv } },
  });

  it("the worker's task check refuses a URL holding ${...}, with what to do, and judges no key on it", () => {
    const violations = checkSpecPolicy(
      unexpanded('${MS_URL:-http://127.0.0.1:8787/v1}', 'PROMPTEVO_KEY_LOCAL'),
      policy('PROMPTEVO_KEY_LOCAL=127.0.0.1:8787'),
    );
    expect(violations).toEqual([
      {
        rule: 'url-variable',
        path: 'models.local.baseUrl',
        message: expect.stringMatching(
          /^\$\{MS_URL:-http:\/\/127\.0\.0\.1:8787\/v1\} was not filled in: .*never a worker.*Submit the task file through the client/,
        ),
      },
    ]);
  });

  it('the gateway and the preflight refuse it before reading a key or building a client, key or not', () => {
    const env = { PROMPTEVO_KEY_LOCAL: 'k-1', MS_HOST: '127.0.0.1' };
    const bound = policy('PROMPTEVO_KEY_LOCAL=127.0.0.1:8787');
    for (const endpoint of [
      unexpanded('http://${MS_HOST}:8787/v1', 'PROMPTEVO_KEY_LOCAL'),
      unexpanded('http://${MS_HOST}:8787/v1', undefined),
    ]) {
      expect(() => apiKeyFor('local', endpoint.models.local!, bound, env)).toThrow(
        expect.objectContaining({
          nonRetryable: true,
          type: 'PolicyViolation',
          message: expect.stringMatching(/models\.local\.baseUrl: \[url-variable\] \$\{MS_HOST\} was not filled in/),
        }),
      );
    }
    expect(
      apiKeyFor('local', unexpanded('http://127.0.0.1:8787/v1', 'PROMPTEVO_KEY_LOCAL').models.local!, bound, env),
    ).toBe('k-1');
  });
});
