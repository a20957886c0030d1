import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

interface Service {
  image?: string;
  build?: unknown;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  command?: string[] | string;
  deploy?: { replicas?: number };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
};

// The search attributes the local stack registers, read from the one place they are listed.
const stackAttributes = [...readFileSync('infra/lib.sh', 'utf8').matchAll(/"(PromptEvo\w+)=(\w+)"/g)].map((m) => [
  m[1],
  m[2],
]);

describe('docker-compose.yml', () => {
  it('has PostgreSQL, a Temporal server on it, the UI, migrations, the model server and scalable workers', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['client', 'migrate', 'model-server', 'postgresql', 'temporal', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
    );
    expect(service('postgresql').image).toMatch(/^postgres:\d+/);
    expect(service('temporal').image).toMatch(/^temporalio\/auto-setup:\d+\.\d+/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d+/);
    expect(service('temporal-setup').image).toMatch(/^temporalio\/admin-tools:\d+/);
    for (const name of ['worker', 'migrate', 'model-server', 'client']) expect(service(name).build).toBe('.');
    expect(existsSync('Dockerfile')).toBe(true);
  });

  it('persists Temporal to the PostgreSQL service and publishes the usual ports', () => {
    const temporal = service('temporal');
    expect(temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(temporal.depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(temporal.ports).toContain('7233:7233');
    expect(service('temporal-ui').ports).toContain('8080:8080');
    expect(service('temporal-ui').environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(service('postgresql').ports).toContain('5432:5432');
  });

  it('points the workers at the compose services and starts them after setup and migrations', () => {
    const worker = service('worker');
    expect(worker.environment).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      DATABASE_URL: expect.stringContaining('@postgresql:5432/'),
      MODEL_SERVER_URL: 'http://model-server:8787/v1',
    });
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.depends_on).toMatchObject({
      'temporal-setup': { condition: 'service_completed_successfully' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(worker.command).toEqual(['node', '--import', 'tsx', 'worker/main.ts']);
  });

  it('registers exactly the search attributes the local stack registers', () => {
    expect(stackAttributes.length).toBeGreaterThanOrEqual(6);
    const command = [service('temporal-setup').command].flat().join(' ');
    const registered = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => [m[1], m[2]]);
    expect(registered).toEqual(stackAttributes);
  });
});
