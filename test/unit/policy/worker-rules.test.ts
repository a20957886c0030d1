import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callModuleMetric, closeModuleMetrics, scrubbedEnv } from '../../../activities/module-metric-process.js';
import {
  apiKeyFor,
  findPolicyViolations,
  moduleWithinPolicy,
  readDatasetWithinPolicy,
} from '../../../activities/task-policy.js';
import { parseKeyHosts } from '../../../core/policy/key-hosts.js';
import type { TaskPolicy } from '../../../core/policy/types.js';
import type { ModelSpec } from '../../../core/task/model-spec.js';
import { parseTaskSpec } from '../../../core/task/spec.js';
import { ConfigError, loadConfig } from '../../../platform/config.js';
import { policyFromConfig } from '../../../platform/policy.js';
import { validTaskYaml } from '../core/fixtures.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'promptevo-policy-')));
const roots = join(base, 'data');
const outside = join(base, 'private');
mkdirSync(roots);
mkdirSync(outside);
writeFileSync(join(roots, 'ok.csv'), 'ticket,priority,label,confidence\nhi,1,billing,5\nho,2,technical,4\n');
writeFileSync(join(outside, 'secret.csv'), 'ticket,priority,label,confidence\ntop secret,1,billing,5\n');
symlinkSync(join(outside, 'secret.csv'), join(roots, 'link.csv'));

const policy: TaskPolicy = {
  keyPrefix: 'PROMPTEVO_KEY_',
  keyHosts: parseKeyHosts('PROMPTEVO_KEY_LOCAL=127.0.0.1:8787', 'PROMPTEVO_KEY_').bindings,
  dataRoots: [roots],
  moduleRoots: [],
  maxDatasetBytes: 1000,
  maxDatasetRows: 10,
};
const spec = parseTaskSpec(
  validTaskYaml
    .replace('apiKeyEnv: LOCAL_API_KEY', 'apiKeyEnv: PROMPTEVO_KEY_LOCAL')
    .replace('http://localhost:8080/v1', 'http://127.0.0.1:8787/v1'),
  'task.yaml',
);
const taskFile = join(roots, 'task.yaml');

afterAll(() => closeModuleMetrics());

describe('datasets on the worker', () => {
  it('reads a dataset inside the roots', async () => {
    expect(await readDatasetWithinPolicy(join(roots, 'ok.csv'), policy)).toEqual({
      text: expect.stringContaining('hi,1,billing'),
    });
  });

  it('refuses one outside the roots, directly or through a symlink, without reading it', async () => {
    for (const path of [
      join(outside, 'secret.csv'),
      join(roots, 'link.csv'),
      join(roots, '..', 'private', 'secret.csv'),
    ]) {
      const result = await readDatasetWithinPolicy(path, policy);
      expect(result).toEqual({
        violation: {
          rule: 'data-root',
          path: 'data.path',
          message: expect.stringMatching(/is outside the directories datasets may be read from.*PROMPTEVO_DATA_ROOTS/),
        },
      });
      expect(JSON.stringify(result)).not.toContain('top secret');
    }
  });

  it('refuses a path that is not a file', async () => {
    expect(await readDatasetWithinPolicy(roots, policy)).toEqual({
      violation: expect.objectContaining({
        rule: 'data-root',
        message: expect.stringMatching(/cannot be read on the worker \(not a file\)/),
      }),
    });
  });

  it('refuses one over the byte cap or the row cap', async () => {
    writeFileSync(join(roots, 'big.csv'), `ticket,priority,label,confidence\n${'x,1,billing,5\n'.repeat(100)}`);
    expect(await readDatasetWithinPolicy(join(roots, 'big.csv'), policy)).toEqual({
      violation: expect.objectContaining({
        rule: 'data-size',
        message: expect.stringMatching(/is 1433 bytes, over the cap of 1000 bytes \(PROMPTEVO_MAX_DATASET_BYTES\)/),
      }),
    });
    writeFileSync(join(roots, 'many.csv'), `ticket,priority,label,confidence\n${'x,1,billing,5\n'.repeat(11)}`);
    const violations = await findPolicyViolations({ spec, datasetPath: join(roots, 'many.csv'), taskFile }, policy);
    expect(violations).toEqual([
      expect.objectContaining({ rule: 'data-rows', message: expect.stringMatching(/has 11 rows, over the cap of 10/) }),
    ]);
  });
});

describe('module metrics on the worker', () => {
  const metricFile = join(roots, 'metric.mjs');
  writeFileSync(
    metricFile,
    `export default ({ prediction }) => ({
       score: prediction.label === 'billing' ? 1 : 0,
       feedback: 'env: ' + Object.keys(process.env).sort().join(',') + (process.env.PROMPTEVO_KEY_LOCAL ?? '') + (process.env.DATABASE_URL ?? ''),
     });\n`,
  );

  it('are refused while no module root is configured, and outside the configured roots', async () => {
    expect(await moduleWithinPolicy('metric.mjs', taskFile, 'metric.path', policy)).toEqual({
      violation: expect.objectContaining({
        rule: 'module-root',
        message: expect.stringMatching(/module metrics are off.*PROMPTEVO_MODULE_ROOTS/),
      }),
    });
    const elsewhere = { ...policy, moduleRoots: [outside] };
    expect(await moduleWithinPolicy('metric.mjs', taskFile, 'metric.path', elsewhere)).toEqual({
      violation: expect.objectContaining({
        message: expect.stringMatching(/outside the directories module metrics may be loaded from/),
      }),
    });
  });

  it('run in a child process whose environment holds no secret', async () => {
    const allowed = await moduleWithinPolicy('metric.mjs', taskFile, 'metric.path', {
      ...policy,
      moduleRoots: [roots],
    });
    expect(allowed).toEqual({ realPath: metricFile });
    process.env.PROMPTEVO_KEY_LOCAL = 'sk-must-not-leak-0001';
    try {
      const result = (await callModuleMetric(metricFile, 'default', {
        prediction: { label: 'billing' },
        expected: {},
        inputs: {},
      })) as { score: number; feedback: string };
      expect(result.score).toBe(1);
      expect(result.feedback).toMatch(/^env: /);
      expect(result.feedback).not.toContain('sk-must-not-leak');
      expect(result.feedback).not.toMatch(/PROMPTEVO|DATABASE_URL|postgres/);
    } finally {
      delete process.env.PROMPTEVO_KEY_LOCAL;
    }
    expect(Object.keys(scrubbedEnv({ PATH: '/bin', DATABASE_URL: 'postgres://x', PROMPTEVO_KEY_A: 'k' }))).toEqual([
      'PATH',
    ]);
  });

  it('a module that throws fails the call with its message', async () => {
    writeFileSync(join(roots, 'broken.mjs'), `export default () => { throw new Error('metric exploded'); };\n`);
    await expect(callModuleMetric(join(roots, 'broken.mjs'), 'default', {})).rejects.toThrow('metric exploded');
    await expect(callModuleMetric(join(roots, 'broken.mjs'), 'nope', {})).rejects.toThrow(/no function export "nope"/);
  });
});

describe('keys on the worker', () => {
  const endpoint = (apiKeyEnv: string, baseUrl: string): ModelSpec => ({ ...spec.models.local!, apiKeyEnv, baseUrl });

  it('refuses a key it may not send, non-retryably, before reading it', () => {
    const env = { DATABASE_URL: 'postgres://u:p@db/x', PROMPTEVO_KEY_LOCAL: 'k-1' };
    expect(() => apiKeyFor('evil', endpoint('DATABASE_URL', 'http://127.0.0.1:9/v1'), policy, env)).toThrow(
      expect.objectContaining({
        nonRetryable: true,
        type: 'PolicyViolation',
        message: expect.stringMatching(/models\.evil\.apiKeyEnv: \[key-env-name\] DATABASE_URL may not be used/),
      }),
    );
    expect(() => apiKeyFor('local', endpoint('PROMPTEVO_KEY_LOCAL', 'http://127.0.0.1:9/v1'), policy, env)).toThrow(
      /\[key-host\] PROMPTEVO_KEY_LOCAL may only be sent to 127\.0\.0\.1:8787/,
    );
    expect(apiKeyFor('local', endpoint('PROMPTEVO_KEY_LOCAL', 'http://127.0.0.1:8787/v1'), policy, env)).toBe('k-1');
  });
});

describe('policy settings', () => {
  it('defaults: keys named PROMPTEVO_KEY_*, bound nowhere; datasets under the working directory; no modules', () => {
    const config = loadConfig({ PROMPTEVO_CONFIG: undefined });
    expect(policyFromConfig(config, base)).toEqual({
      keyPrefix: 'PROMPTEVO_KEY_',
      keyHosts: {},
      dataRoots: [base],
      moduleRoots: [],
      maxDatasetBytes: 64 * 1024 * 1024,
      maxDatasetRows: 100_000,
    });
  });

  it('resolves roots through symlinks and drops roots that do not exist', () => {
    symlinkSync(roots, join(base, 'data-link'));
    const config = loadConfig({ PROMPTEVO_DATA_ROOTS: 'data-link:missing', PROMPTEVO_MODULE_ROOTS: `${outside}` });
    expect(policyFromConfig(config, base)).toMatchObject({ dataRoots: [roots], moduleRoots: [outside] });
  });

  it('a binding that would make another variable a key fails at start, in one line naming the setting', () => {
    expect(() => loadConfig({ PROMPTEVO_KEY_HOSTS: 'DATABASE_URL=evil.example' })).toThrow(ConfigError);
    expect(() => loadConfig({ PROMPTEVO_KEY_HOSTS: 'DATABASE_URL=evil.example' })).toThrow(
      /^invalid environment variable PROMPTEVO_KEY_HOSTS="DATABASE_URL=evil.example": binds DATABASE_URL, which does not start with the key prefix/,
    );
  });
});
