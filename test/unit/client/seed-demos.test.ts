import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../client/errors.js';
import { loadTaskFile } from '../../../client/task-file.js';
import { drawSeedDemos } from '../../../core/data/seed-demos.js';
import { splitExamples } from '../../../core/data/split.js';
import { parseTaskDataset } from '../../../core/data/task-dataset.js';
import { parseTaskSpec } from '../../../core/task/spec.js';

/** Seed demos come from the train split only; anything else is refused before a run starts. */
describe('seedPrompt.demos', () => {
  const example = loadTaskFile('examples/ticket-routing/task.yaml');
  const rows = parseTaskDataset(readFileSync(example.datasetPath, 'utf8'), example.spec, example.datasetPath).rows;
  const split = splitExamples(rows, example.spec.data.split);
  const taskWithDemos = (ids: string[]): string => {
    const dir = mkdtempSync(join(tmpdir(), 'promptevo-demos-'));
    const yaml = readFileSync('examples/ticket-routing/task.yaml', 'utf8')
      .replace('path: data.jsonl', `path: ${resolve('examples/ticket-routing/data.jsonl')}`)
      .replace(
        'seedPrompt:\n  task: Route the support ticket to the right team.',
        `seedPrompt:\n  task: Route the support ticket to the right team.\n  demos: [${ids.join(', ')}]`,
      );
    const file = join(dir, 'task.yaml');
    writeFileSync(file, yaml);
    return file;
  };

  it('accepts train examples', () => {
    const task = loadTaskFile(taskWithDemos([split.train[0]!.id, split.train[1]!.id]));
    expect('demos' in task.spec.seedPrompt && task.spec.seedPrompt.demos).toHaveLength(2);
  });

  it('refuses a test or validation example and an unknown id, naming each and its split (exit 2)', () => {
    const file = taskWithDemos([split.train[0]!.id, split.test[0]!.id, split.val[0]!.id, 'no-such-id']);
    let error: unknown;
    try {
      loadTaskFile(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    const message = (error as Error).message;
    expect(message).toContain(`"${split.test[0]!.id}" (test)`);
    expect(message).toContain(`"${split.val[0]!.id}" (val)`);
    expect(message).toContain('"no-such-id" (not in the dataset)');
    expect(message).not.toContain(`"${split.train[0]!.id}"`);
    expect(message).toMatch(/train split only/);
  });
});

describe('seedPrompt.demoCount', () => {
  const example = loadTaskFile('examples/ticket-routing/task.yaml');
  const rows = parseTaskDataset(readFileSync(example.datasetPath, 'utf8'), example.spec, example.datasetPath).rows;
  const train = splitExamples(rows, example.spec.data.split).train;

  it('draws labeled train examples spread over the answers, the same for the same seed', () => {
    const ids = drawSeedDemos(train, 5, 1);
    expect(ids).toHaveLength(5);
    expect(drawSeedDemos(train, 5, 1)).toEqual(ids);
    expect(drawSeedDemos(train, 5, 2)).not.toEqual(ids);
    const labels = ids.map((id) => train.find((e) => e.id === id)!.outputs['label']);
    expect(new Set(labels).size).toBe(5);
    for (const id of ids) expect(train.some((e) => e.id === id)).toBe(true);
  });

  it('gives another draw from the same seed for another draw number, the first being the plain draw', () => {
    const first = drawSeedDemos(train, 4, 1);
    expect(drawSeedDemos(train, 4, 1, 0)).toEqual(first);
    const second = drawSeedDemos(train, 4, 1, 1);
    expect(drawSeedDemos(train, 4, 1, 1)).toEqual(second);
    expect(second).not.toEqual(first);
    expect(drawSeedDemos(train, 4, 1, 2)).not.toEqual(second);
  });

  it('is refused together with explicit demo ids', () => {
    const yaml = readFileSync('examples/ticket-routing/task.yaml', 'utf8').replace(
      'seedPrompt:\n  task: Route the support ticket to the right team.',
      'seedPrompt:\n  task: Route the support ticket to the right team.\n  demos: [a]\n  demoCount: 2',
    );
    expect(() => parseTaskSpec(yaml, 'task.yaml', { env: {} })).toThrow(/seedPrompt.demoCount: give either/);
  });
});
