// Each example task's ceiling under the simulator: the test-split score of a prompt that states
// every hidden rule of the task's family, next to the seed prompt's score. Messages are rendered
// the way the product renders them (core/genome/render.ts with the task's signature), answered by
// the simulated model at temperature 0 and scored with the task's metric from core/metrics.
//
//   npx tsx test/model-server/ceilings.ts [--model sim-large|sim-small]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitExamples } from '../../core/data/split.js';
import { parseTaskDataset } from '../../core/data/task-dataset.js';
import type { Genome } from '../../core/genome/genome.js';
import { parseModelOutput } from '../../core/genome/parse-output.js';
import { renderTaskMessages } from '../../core/genome/render.js';
import { metricFromSpec } from '../../core/metrics/registry.js';
import { parseTaskSpec } from '../../core/task/spec.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import { familyByName } from '../../model-server/families/index.js';
import { anchors } from '../../model-server/families/seller-rules.js';
import { canonicalJson, hashString } from '../../model-server/base/prng.js';
import type { ModelSize } from '../../model-server/families/capability.js';
import { simulateReply } from '../../model-server/sim/simulate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Example task directory → the simulator family its data comes from. */
export const exampleFamilies: Record<string, string> = {
  'ticket-routing': 'ticket-routing',
  'seller-score': 'seller-score',
  'shipping-address': 'shipping-address',
  'content-moderation': 'content-moderation',
};

/** Guidance beyond the hidden rules that a family rewards (seller-score: anchors against hedging). */
const extraGuidance: Record<string, readonly string[]> = {
  'seller-score': [anchors.fullRangeStatement, anchors.lowStatement, anchors.highStatement],
};

export interface Ceiling {
  task: string;
  testSize: number;
  seed: number;
  allRules: number;
  /** Every hidden rule plus the family's extra guidance, when it has any. */
  allGuidance?: number;
}

export function loadTask(name: string): { spec: TaskSpec; test: ReturnType<typeof splitExamples>['test'] } {
  const dir = path.join(root, 'examples', name);
  const spec = parseTaskSpec(readFileSync(path.join(dir, 'task.yaml'), 'utf8'), `${dir}/task.yaml`, { env: {} });
  const file = path.join(dir, spec.data.path);
  const data = parseTaskDataset(readFileSync(file, 'utf8'), spec, file);
  if (data.errors.length > 0) throw new Error(`${file}: ${data.errors.length} bad rows`);
  return { spec, test: splitExamples(data.rows, spec.data.split).test };
}

/** The seed genome as the product builds it from `seedPrompt`, optionally with extra rules. */
export function genomeOf(spec: TaskSpec, extraRules: readonly string[] = []): Genome {
  const seed = spec.seedPrompt as { task: string; rules?: string[]; role?: string; outputFormat?: string };
  return {
    sections: {
      task: seed.task,
      rules: [...(seed.rules ?? []), ...extraRules],
      reasoning: 'direct',
      ...(seed.role ? { role: seed.role } : {}),
      ...(seed.outputFormat ? { outputFormat: seed.outputFormat } : {}),
    },
    demos: [],
  };
}

/** Mean metric score of a genome on the task's test split, asking the simulated model at temperature 0. */
export function scoreGenome(
  spec: TaskSpec,
  examples: ReturnType<typeof loadTask>['test'],
  genome: Genome,
  size: ModelSize = 'large',
): number {
  const metric = metricFromSpec(spec.metric, spec.signature);
  if (metric.kind !== 'local') throw new Error(`metric ${metric.name} needs a model call`);
  let total = 0;
  for (const example of examples) {
    const messages = renderTaskMessages(genome, spec.signature, [], example.inputs).map((m) => ({
      role: m.role,
      text: m.content,
    }));
    const model = `sim-${size}`;
    const reply = simulateReply({
      messages,
      responseFormat: undefined,
      temperature: 0,
      seed: undefined,
      choiceIndex: 0,
      requestHash: hashString(canonicalJson({ model, messages, temperature: 0 })),
      size,
    });
    const parsed = parseModelOutput(reply, spec.signature);
    if (parsed.ok)
      total += metric.evaluate(parsed.outputs, example.outputs, {
        signature: spec.signature,
        inputs: example.inputs,
      }).score;
  }
  return total / examples.length;
}

export function measureCeilings(size: ModelSize = 'large'): Ceiling[] {
  return Object.entries(exampleFamilies).map(([task, familyName]) => {
    const { spec, test } = loadTask(task);
    const family = familyByName(familyName);
    if (!family) throw new Error(`unknown family ${familyName}`);
    const statements = family.rules.filter((r) => r.kind === 'hidden').map((r) => r.statements[0] ?? '');
    return {
      task,
      testSize: test.length,
      seed: scoreGenome(spec, test, genomeOf(spec), size),
      allRules: scoreGenome(spec, test, genomeOf(spec, statements), size),
      ...(extraGuidance[familyName]
        ? { allGuidance: scoreGenome(spec, test, genomeOf(spec, [...statements, ...extraGuidance[familyName]]), size) }
        : {}),
    };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--model');
  const size: ModelSize = i > 0 && process.argv[i + 1] === 'sim-small' ? 'small' : 'large';
  console.log(`test split, sim-${size}, temperature 0`);
  for (const c of measureCeilings(size)) {
    console.log(
      `${c.task.padEnd(18)} n=${c.testSize}  seed prompt ${c.seed.toFixed(3)}  every hidden rule stated ${c.allRules.toFixed(3)}` +
        (c.allGuidance !== undefined ? `  + anchors ${c.allGuidance.toFixed(3)}` : ''),
    );
  }
}
