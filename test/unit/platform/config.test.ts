import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../platform/config.js';

const noFile = { PROMPTEVO_CONFIG: undefined };

describe('loadConfig', () => {
  it('gives local defaults when nothing is set', () => {
    const config = loadConfig({ ...noFile });
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(config.WORKER_MAX_ACTIVITIES).toBe(8);
  });

  it('names the variable, the bad value and what is expected, in one line', () => {
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrowError(
      /^invalid environment variable TEMPORAL_ADDRESS="localhost": expected host:port, e.g. 127.0.0.1:7233$/,
    );
    expect(() => loadConfig({ WORKER_MAX_ACTIVITIES: 'lots' })).toThrowError(/WORKER_MAX_ACTIVITIES="lots"/);
  });

  it('never echoes a database password', () => {
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2');
  });

  it('layers the environment over a config file and rejects unknown settings in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptevo-config-'));
    const file = join(dir, 'promptevo.config.yaml');
    writeFileSync(file, 'TEMPORAL_NAMESPACE: research\nWORKER_MAX_ACTIVITIES: 8\n');
    expect(loadConfig({ PROMPTEVO_CONFIG: file, WORKER_MAX_ACTIVITIES: '4' })).toMatchObject({
      TEMPORAL_NAMESPACE: 'research',
      WORKER_MAX_ACTIVITIES: 4,
    });
    writeFileSync(file, 'TEMPORAL_NAMESPCE: typo\n');
    expect(() => loadConfig({ PROMPTEVO_CONFIG: file })).toThrowError(/unknown setting TEMPORAL_NAMESPCE/);
    expect(() => loadConfig({ PROMPTEVO_CONFIG: join(dir, 'missing.yaml') })).toThrowError(ConfigError);
  });
});
