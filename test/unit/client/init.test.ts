import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scaffoldTask } from '../../../client/init.js';
import { parseDataset } from '../../../core/data/dataset.js';
import { parseTaskSpec } from '../../../core/task/spec.js';

describe('promptevo init', () => {
  it('scaffolds a task file that validates and a dataset whose every row fits its signature', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'promptevo-init-')), 'new-task');
    const [taskFile, dataFile] = scaffoldTask(dir, 'support-router');
    const spec = parseTaskSpec(readFileSync(taskFile!, 'utf8'), taskFile!, { env: {} });
    expect(spec.name).toBe('support-router');
    expect(spec.models['sim-large']!.baseUrl).toBe('http://127.0.0.1:8787/v1');
    const data = parseDataset(readFileSync(dataFile!, 'utf8'), {
      fileName: dataFile!,
      format: spec.data.format,
      signature: spec.signature,
      mapping: spec.data.mapping,
      idField: spec.data.idField,
    });
    expect(data.errors).toEqual([]);
    expect(data.rows.length).toBe(150);
  });

  it('refuses to overwrite an existing task and rejects a task name that cannot be an id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptevo-init-'));
    scaffoldTask(dir, 'first');
    expect(() => scaffoldTask(dir, 'second')).toThrow(/refusing to overwrite .*task\.yaml/);
    expect(() => scaffoldTask(join(dir, 'other'), 'has spaces')).toThrow(/may only use letters, digits/);
  });
});
