import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT } from './errors.js';

const example = fileURLToPath(new URL('../examples/ticket-routing/', import.meta.url));

/**
 * Scaffolds a task: a task file that runs as is against the local model server, and a sample
 * dataset (support tickets with teams), both meant to be edited into the user's own task.
 */
export function scaffoldTask(dir: string, name: string): string[] {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new CliError(`task name "${name}" may only use letters, digits, "-", "_" and "."`, EXIT.usage);
  }
  const target = resolve(dir);
  const files = { task: join(target, 'task.yaml'), data: join(target, 'data.jsonl') };
  const existing = Object.values(files).filter((f) => existsSync(f));
  if (existing.length > 0)
    throw new CliError(`refusing to overwrite ${existing.join(', ')}; choose another directory`, EXIT.usage);
  mkdirSync(target, { recursive: true });
  const task = readFileSync(join(example, 'task.yaml'), 'utf8').replace(/^name: .*$/m, `name: ${name}`);
  const rows = readFileSync(join(example, 'data.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 150);
  writeFileSync(
    files.task,
    `# Scaffolded by \`promptevo init\`: edit the signature, data, seed prompt, metric and models for your task.\n${task}`,
  );
  writeFileSync(files.data, `${rows.join('\n')}\n`);
  return Object.values(files);
}
