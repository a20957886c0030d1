import { describe, expect, it } from 'vitest';
import { defineTask, parseTaskSpec, TaskSpecError } from '../../../core/index.js';
import { validTaskYaml } from './fixtures.js';

function problemsOf(yaml: string): string {
  try {
    parseTaskSpec(yaml, 'tasks/router.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(TaskSpecError);
    return (error as Error).message;
  }
  throw new Error('expected the spec to be rejected');
}

describe('parseTaskSpec', () => {
  it('parses a minimal spec and fills in defaults', () => {
    const spec = parseTaskSpec(validTaskYaml, 'tasks/router.yaml');
    expect(spec.data.format).toBe('csv');
    expect(spec.signature.inputs.ticket).toEqual({ type: 'string' });
    expect(spec.roles.production).toEqual(['local']);
    expect(spec.search.populationSize).toBe(8);
    expect(spec.search.operators.reflect).toBeGreaterThan(0);
    expect(spec.models.local!.maxRetries).toBe(5);
    expect(spec.seedPrompt).toEqual({ task: 'Route each ticket to the right team.', rules: [] });
  });

  it('names the file and metric.kind for a typo, and suggests the right kind', () => {
    const message = problemsOf(validTaskYaml.replace('kind: exact_match', 'kind: exact_mach'));
    expect(message).toContain('tasks/router.yaml: metric.kind:');
    expect(message).toContain('did you mean "exact_match"?');
  });

  it('reports every problem at once, with suggestions for unknown keys and model names', () => {
    const yaml = validTaskYaml
      .replace('dev: local', 'dev: locl')
      .replace('    model: sim-7b', '    model: sim-7b\n    rmp: 10')
      .replace('selection', 'x');
    const message = problemsOf(yaml);
    expect(message).toContain('roles.dev: unknown model "locl"');
    expect(message).toContain('did you mean "local"?');
    expect(message).toContain('models.local.rmp: unknown key — did you mean "rpm"?');
  });

  it('rejects a literal API key with advice to use an environment variable', () => {
    const message = problemsOf(
      validTaskYaml.replace('apiKeyEnv: LOCAL_API_KEY', 'apiKeyEnv: sk-proj-abcdefghijklmnopqrstuvwxyz'),
    );
    expect(message).toContain('models.local.apiKeyEnv: looks like a literal API key');
    expect(message).not.toContain('abcdefghijklmnop"'); // the secret is not echoed back in a quoted value
    const withKey = problemsOf(validTaskYaml.replace('apiKeyEnv: LOCAL_API_KEY', 'apiKey: hunter2'));
    expect(withKey).toContain('models.local.apiKey: API keys are not accepted');
  });

  it('checks metric fields against the signature', () => {
    const message = problemsOf(validTaskYaml.replace('field: label', 'field: lable'));
    expect(message).toContain('metric.field: "lable" is not an output field');
    expect(message).toContain('did you mean "label"?');
  });

  it('reports YAML syntax errors with a line number', () => {
    expect(problemsOf('name: x\nsignature: [unclosed\n')).toMatch(/line \d+:\d+: YAML syntax/);
  });

  it('rejects fractions that do not sum to 1', () => {
    expect(problemsOf(validTaskYaml.replace('test: 0.2, seed', 'test: 0.3, seed'))).toContain(
      'data.split: fractions must sum to 1',
    );
  });
});

describe('defineTask', () => {
  it('validates a TypeScript object with the same rules', () => {
    expect(() =>
      defineTask({
        name: 'scores',
        signature: { inputs: { conversation: 'string' }, outputs: { score: { type: 'number', min: 0, max: 10 } } },
        data: { path: 'scores.jsonl' },
        seedPrompt: 'Score the seller from 0 to 10.',
        metric: { kind: 'numeric', tolerance: 0.5 },
        models: { sim: { baseUrl: 'http://localhost:8080/v1', model: 'sim' } },
        roles: { meta: 'sim', dev: 'sim', production: ['sim'] },
      }),
    ).not.toThrow();
    expect(() =>
      defineTask({
        name: 'bad',
        signature: { inputs: { a: 'string' }, outputs: { b: 'string' } },
        data: { path: 'x.txt' },
        seedPrompt: 'x',
        metric: { kind: 'numeric' },
        models: {},
        roles: { meta: 'm', dev: 'm', production: 'm' },
      }),
    ).toThrow(/data\.format: cannot infer/);
  });
});
