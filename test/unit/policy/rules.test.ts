import { describe, expect, it } from 'vitest';
import { compileSafeRegex, safeRegexProblem } from '../../../core/metrics/safe-regex.js';
import { checkSpecPolicy, insideRoots } from '../../../core/policy/check-spec.js';
import { hostAllowed, parseKeyHosts } from '../../../core/policy/key-hosts.js';
import type { TaskPolicy } from '../../../core/policy/types.js';
import { urlCredentialProblem } from '../../../core/policy/url-credentials.js';
import { parseTaskSpec } from '../../../core/task/spec.js';
import { TaskSpecError } from '../../../core/task/spec-errors.js';
import { validTaskYaml } from '../core/fixtures.js';

const policy = (keyHosts = ''): TaskPolicy => ({
  keyPrefix: 'PROMPTEVO_KEY_',
  keyHosts: parseKeyHosts(keyHosts, 'PROMPTEVO_KEY_').bindings,
  dataRoots: ['/srv/data'],
  moduleRoots: [],
  maxDatasetBytes: 1000,
  maxDatasetRows: 10,
});

const specWith = (model: string, metric = 'kind: exact_match\n  field: label') =>
  parseTaskSpec(
    validTaskYaml
      .replace(/ {2}local:\n[\s\S]*?(?=roles:)/, `  local:\n${model}\n`)
      .replace('kind: exact_match\n  field: label', metric),
    'task.yaml',
  );

describe('key → host bindings', () => {
  it('parses names, hosts, ports and wildcards, and says what is wrong with a bad entry', () => {
    const { bindings, problems } = parseKeyHosts(
      'PROMPTEVO_KEY_OPENAI=api.openai.com; PROMPTEVO_KEY_LOCAL=127.0.0.1:8787,[::1]:8787;PROMPTEVO_KEY_AZ=*.openai.azure.com',
      'PROMPTEVO_KEY_',
    );
    expect(problems).toEqual([]);
    expect(bindings).toEqual({
      PROMPTEVO_KEY_OPENAI: [{ host: 'api.openai.com' }],
      PROMPTEVO_KEY_LOCAL: [
        { host: '127.0.0.1', port: 8787 },
        { host: '[::1]', port: 8787 },
      ],
      PROMPTEVO_KEY_AZ: [{ host: '*.openai.azure.com' }],
    });
    const bad = parseKeyHosts('DATABASE_URL=evil.example;PROMPTEVO_KEY_X=;nonsense', 'PROMPTEVO_KEY_').problems;
    expect(bad).toEqual([
      expect.stringMatching(/binds DATABASE_URL, which does not start with the key prefix "PROMPTEVO_KEY_"/),
      expect.stringMatching(/PROMPTEVO_KEY_X: "" is not a host or host:port/),
      expect.stringMatching(/"nonsense" is not NAME=host/),
    ]);
  });

  it('a host without a port admits any port; with one, only that port; a wildcard only subdomains', () => {
    const rules = parseKeyHosts('K_A=api.openai.com;K_B=127.0.0.1:8787;K_C=*.azure.com', 'K_').bindings;
    expect(hostAllowed('https://api.openai.com/v1', rules.K_A!)).toBe(true);
    expect(hostAllowed('https://API.OpenAI.com:8443/v1', rules.K_A!)).toBe(true);
    expect(hostAllowed('https://api.openai.com.evil.example/v1', rules.K_A!)).toBe(false);
    expect(hostAllowed('http://127.0.0.1:8787/v1', rules.K_B!)).toBe(true);
    expect(hostAllowed('http://127.0.0.1:8788/v1', rules.K_B!)).toBe(false);
    expect(hostAllowed('http://127.0.0.1/v1', rules.K_B!)).toBe(false); // port 80
    expect(hostAllowed('https://me.azure.com/v1', rules.K_C!)).toBe(true);
    expect(hostAllowed('https://azure.com/v1', rules.K_C!)).toBe(false);
    expect(hostAllowed('https://notazure.com/v1', rules.K_C!)).toBe(false);
  });
});

describe('credentials in URLs', () => {
  it('refuses userinfo and credential-named query parameters, and leaves plain URLs alone', () => {
    for (const url of [
      'https://user:sk-abc@api.example.com/v1',
      'https://token@api.example.com/v1',
      'https://api.example.com/v1?api-key=abc',
      'https://api.example.com/v1?apiKey=abc',
      'https://api.example.com/v1?access_token=abc',
      'https://bucket.example.com/v1?X-Amz-Signature=abc',
      'https://api.example.com/v1?key=abc',
      'https://api.example.com/v1?client_secret=abc&x=1',
    ]) {
      expect(urlCredentialProblem(url), url).toMatch(/carries (credentials|a credential)/);
    }
    for (const url of [
      'http://127.0.0.1:8787/v1',
      'https://api.example.com/v1?api-version=2024-06-01&keyword=x',
      'a b',
    ]) {
      expect(urlCredentialProblem(url), url).toBeUndefined();
    }
  });

  it('a task file with a key in its baseUrl is refused when parsed, naming where', () => {
    const yaml = validTaskYaml.replace('http://localhost:8080/v1', 'https://me:hunter2hunter2@localhost:8080/v1');
    const error = (() => {
      try {
        parseTaskSpec(yaml, 'task.yaml');
      } catch (err) {
        return err as TaskSpecError;
      }
    })();
    expect(error).toBeInstanceOf(TaskSpecError);
    expect(error!.message).toMatch(/task\.yaml: models\.local\.baseUrl: the URL carries credentials/);
    expect(parseTaskSpec.bind(null, validTaskYaml.replace('/v1', '/v1?api-key=x'), 't')).toThrow(/query \("api-key"\)/);
  });
});

describe('checkSpecPolicy', () => {
  it('refuses a key variable without the prefix, where it is named, and says what to do', () => {
    const spec = specWith('    baseUrl: http://127.0.0.1:9/v1\n    model: m\n    apiKeyEnv: DATABASE_URL');
    expect(checkSpecPolicy(spec, policy())).toEqual([
      {
        rule: 'key-env-name',
        path: 'models.local.apiKeyEnv',
        message: expect.stringMatching(/DATABASE_URL may not be used as an API key.*PROMPTEVO_KEY_\*/),
      },
    ]);
  });

  it('refuses a prefixed key that is unbound or bound to another host, and accepts a bound one', () => {
    const spec = specWith('    baseUrl: http://127.0.0.1:9000/v1\n    model: m\n    apiKeyEnv: PROMPTEVO_KEY_LOCAL');
    expect(checkSpecPolicy(spec, policy())).toEqual([
      expect.objectContaining({
        rule: 'key-host',
        path: 'models.local.baseUrl',
        message: expect.stringMatching(/bound to no host.*PROMPTEVO_KEY_HOSTS="PROMPTEVO_KEY_LOCAL=127\.0\.0\.1"/),
      }),
    ]);
    expect(checkSpecPolicy(spec, policy('PROMPTEVO_KEY_LOCAL=127.0.0.1:8787'))).toEqual([
      expect.objectContaining({
        rule: 'key-host',
        message: expect.stringMatching(/may only be sent to 127\.0\.0\.1:8787.*not to 127\.0\.0\.1:9000/),
      }),
    ]);
    expect(checkSpecPolicy(spec, policy('PROMPTEVO_KEY_LOCAL=127.0.0.1:9000'))).toEqual([]);
  });

  it('a model without a key may use any endpoint', () => {
    expect(checkSpecPolicy(specWith('    baseUrl: http://127.0.0.1:8787/v1\n    model: m'), policy())).toEqual([]);
  });

  it('refuses a regex that RE2 cannot run, inside a weighted metric too', () => {
    const weighted =
      'kind: weighted\n  metrics:\n    - { weight: 1, metric: { kind: exact_match, field: label } }\n' +
      "    - { weight: 1, metric: { kind: regex, field: label, pattern: '^b' } }";
    const spec = specWith('    baseUrl: http://127.0.0.1:8787/v1\n    model: m', weighted);
    const withLookahead = {
      ...spec,
      metric: { kind: 'regex' as const, pattern: '(?=x)x', flags: '' },
    };
    expect(checkSpecPolicy(spec, policy())).toEqual([]);
    expect(checkSpecPolicy(withLookahead, policy())).toEqual([
      expect.objectContaining({ rule: 'regex', path: 'metric.pattern', message: expect.stringMatching(/lookaround/) }),
    ]);
  });

  it('roots contain their subdirectories, not their namesakes', () => {
    expect(insideRoots('/srv/data/a.jsonl', ['/srv/data'])).toBe(true);
    expect(insideRoots('/srv/data2/a.jsonl', ['/srv/data'])).toBe(false);
    expect(insideRoots('/etc/passwd', ['/srv/data', '/opt'])).toBe(false);
    expect(insideRoots('/anything', ['/'])).toBe(true);
  });
});

describe('regex metrics', () => {
  it('a catastrophic pattern on a long adversarial input finishes (linear-time RE2), with the right answer', () => {
    // A backtracking engine takes 2^n steps here; RE2 takes n.
    const adversarial = `${'a'.repeat(100_000)}!`;
    expect(compileSafeRegex('(a+)+$').test(adversarial)).toBe(false);
    expect(compileSafeRegex('^(a|aa)+$').test(adversarial)).toBe(false);
    expect(compileSafeRegex('(a+)+$').test('aaaa')).toBe(true);
  });

  it('keeps the JavaScript flags i, m and s, and refuses backreferences with a reason', () => {
    expect(compileSafeRegex('^billing$', 'im').test('x\nBILLING')).toBe(true);
    expect(compileSafeRegex('a.b', 's').test('a\nb')).toBe(true);
    expect(compileSafeRegex('a.b').test('a\nb')).toBe(false);
    expect(safeRegexProblem('(a)\\1')).toMatch(/RE2.*backreferences/);
    expect(safeRegexProblem('[a-')).toMatch(/not a valid pattern for the linear-time RE2 engine/);
  });
});
