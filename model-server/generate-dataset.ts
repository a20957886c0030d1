// CLI: `tsx model-server/generate-dataset.ts --family NAME --n N --seed S --out FILE.jsonl`.
// Writes one flat JSON object per line: `id`, the input fields, then the expected output fields.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { families, familyByName } from './families/index.js';
import { Rng } from './base/prng.js';

const usage = 'Usage: tsx model-server/generate-dataset.ts --family NAME --n N --seed S --out FILE.jsonl';

export function generateRows(family: string, n: number, seed: number): Record<string, string | number>[] {
  const f = familyByName(family);
  if (!f) {
    throw new Error(`Unknown family '${family}'. Known families: ${families.map((x) => x.name).join(', ')}. ${usage}`);
  }
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const example = f.generate(rng);
    return { id: `${family}-${String(i + 1).padStart(4, '0')}`, ...example.inputs, ...example.expected };
  });
}

function main(): void {
  const { values } = parseArgs({
    options: {
      family: { type: 'string' },
      n: { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  const n = Number(values.n);
  const seed = Number(values.seed);
  if (!values.family || !values.out) throw new Error(`--family and --out are required. ${usage}`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive integer, got '${values.n}'. ${usage}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got '${values.seed}'. ${usage}`);
  const rows = generateRows(values.family, n, seed);
  mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
  writeFileSync(values.out, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`wrote ${rows.length} ${values.family} rows to ${values.out}`);
}

try {
  main();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
