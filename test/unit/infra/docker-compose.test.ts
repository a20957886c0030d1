import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

interface Service {
  image?: string;
  build?: unknown;
  ports?: (string | number | { host_ip?: string; published?: string | number; target?: number })[];
  environment?: Record<string, string> | string[];
  depends_on?: Record<string, { condition: string }>;
  command?: string[] | string;
  deploy?: { replicas?: number };
}

type Compose = { services: Record<string, Service> };
// `merge` reads the `<<: *promptevo-env` merge keys as docker compose does.
const parseCompose = (text: string): Compose => parse(text, { merge: true }) as Compose;
const compose = parseCompose(readFileSync('docker-compose.yml', 'utf8'));
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
    expect(temporal.ports).toContain('127.0.0.1:7233:7233');
    expect(service('temporal-ui').ports).toContain('127.0.0.1:8080:8080');
    expect(service('temporal-ui').environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(service('postgresql').ports).toContain('127.0.0.1:5432:5432');
    expect(service('model-server').ports).toContain('127.0.0.1:8787:8787');
  });

  it('points the workers at the compose services and starts them after setup and migrations', () => {
    const worker = service('worker');
    expect(worker.environment).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      // The least-privilege role; migrations run as the owner and grant it DML.
      DATABASE_URL: expect.stringMatching(
        /^postgres:\/\/promptevo_worker:\$\{PROMPTEVO_WORKER_DB_PASSWORD:\?[^}]+\}@postgresql:5432\//,
      ),
      MODEL_SERVER_URL: 'http://model-server:8787/v1',
    });
    expect(service('migrate').environment).toMatchObject({
      DATABASE_URL: expect.stringMatching(/^postgres:\/\/promptevo:/),
      PROMPTEVO_WORKER_DB_ROLE: 'promptevo_worker',
    });
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.depends_on).toMatchObject({
      'temporal-setup': { condition: 'service_completed_successfully' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(worker.command).toEqual(['node', '--import', 'tsx', 'worker/main.ts']);
  });

  it("lets the client fill the examples' model server in as the workers reach it; workers expand nothing", () => {
    expect(environmentOf(service('client'))).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      PROMPTEVO_MODEL_SERVER_URL: 'http://model-server:8787/v1',
    });
    expect(environmentOf(service('worker'))).not.toHaveProperty('PROMPTEVO_MODEL_SERVER_URL');
    const example = readFileSync('examples/ticket-routing/task.yaml', 'utf8');
    expect(example).toContain('baseUrl: ${PROMPTEVO_MODEL_SERVER_URL:-http://127.0.0.1:8787/v1}');
  });

  it('registers exactly the search attributes the local stack registers', () => {
    expect(stackAttributes.length).toBeGreaterThanOrEqual(6);
    const command = [service('temporal-setup').command].flat().join(' ');
    const registered = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => [m[1], m[2]]);
    expect(registered).toEqual(stackAttributes);
  });
});

/** An environment mapping, whichever of compose's two forms it is written in. */
function environmentOf(s: Service): Record<string, string> {
  if (!s.environment) return {};
  if (!Array.isArray(s.environment)) return s.environment;
  return Object.fromEntries(s.environment.map((entry) => [entry.split('=')[0]!, entry.split('=').slice(1).join('=')]));
}

/** A value that is nothing but a required interpolation, `${NAME:?message}`: no default to fall back on. */
const requiredVariable = /^\$\{[A-Z_][A-Z0-9_]*:\?[^}]*\}$/;
const secretName = /PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY/i;

/** What is wrong with a compose file's exposure: ports not bound to 127.0.0.1, passwords written in it. */
function exposureProblems(file: Compose): string[] {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(file.services)) {
    for (const port of s.ports ?? []) {
      const local =
        typeof port === 'object' ? port.host_ip === '127.0.0.1' : /^127\.0\.0\.1:\d+(-\d+)?:\d+/.test(String(port));
      if (!local) problems.push(`${name}: port ${JSON.stringify(port)} is published on every interface`);
    }
    for (const [key, value] of Object.entries(environmentOf(s))) {
      if (secretName.test(key) && !requiredVariable.test(String(value))) {
        problems.push(`${name}: ${key} is written in the file instead of \${${key}:?...}`);
      }
      const password = /^\w+:\/\/[^:/@\s]+:([^@\s]*)@/.exec(String(value))?.[1];
      if (password !== undefined && !requiredVariable.test(password)) {
        problems.push(`${name}: ${key} has a password written in the URL`);
      }
    }
  }
  return problems;
}

describe('docker-compose.yml exposure', () => {
  it('binds every published port to 127.0.0.1 and writes no password, not even a default', () => {
    expect(exposureProblems(compose)).toEqual([]);
    const text = readFileSync('docker-compose.yml', 'utf8');
    expect(text).not.toMatch(/\$\{\w*(PASSWORD|PWD)\w*:?-/); // no `${POSTGRES_PASSWORD:-fallback}`
  });

  it('would catch a published port or a literal password', () => {
    const exposed = parseCompose(`
services:
  db:
    environment: { POSTGRES_PASSWORD: promptevo, POSTGRES_PWD: '\${POSTGRES_PASSWORD:-promptevo}' }
    ports: ['5432:5432', { target: 8080, published: 8080 }, '0.0.0.0:7233:7233']
  worker:
    environment: ['DATABASE_URL=postgres://promptevo:promptevo@db:5432/promptevo']
`);
    expect(exposureProblems(exposed)).toEqual([
      'db: port "5432:5432" is published on every interface',
      'db: port {"target":8080,"published":8080} is published on every interface',
      'db: port "0.0.0.0:7233:7233" is published on every interface',
      'db: POSTGRES_PASSWORD is written in the file instead of ${POSTGRES_PASSWORD:?...}',
      'db: POSTGRES_PWD is written in the file instead of ${POSTGRES_PWD:?...}',
      'worker: DATABASE_URL has a password written in the URL',
    ]);
  });

  it("creates the workers' role from the environment when PostgreSQL initialises", () => {
    const postgres = service('postgresql');
    expect(environmentOf(postgres).PROMPTEVO_WORKER_DB_PASSWORD).toMatch(requiredVariable);
    const init = (postgres as { volumes?: string[] }).volumes?.find((v) => v.includes('docker-entrypoint-initdb.d'));
    expect(init).toBe('./infra/docker/postgres-init.sh:/docker-entrypoint-initdb.d/10-worker-role.sh:ro');
    const script = readFileSync('infra/docker/postgres-init.sh', 'utf8');
    expect(script).toMatch(/CREATE ROLE promptevo_worker LOGIN PASSWORD :'password'/);
    expect(script).toContain('-v password="$PROMPTEVO_WORKER_DB_PASSWORD"');
  });
});
