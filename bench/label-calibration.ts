// Does a small local model read a classification task's input at all? For each example this reads
// the model's probability of each label's first token right after `{"label": "` — the prompt
// rendered as the product renders it (seed instruction, one labeled train demo per label as prior
// turns) — and scores two decisions on the real-model split: the most probable label (what
// greedy constrained decoding answers) and the same after contextual calibration (each label's
// probability divided by its probability for content-free inputs, Zhao et al. 2021, "Calibrate
// Before Use"). A model whose calibrated answers beat the most common label carries a signal a
// prompt can use; one at chance does not. No test label is used except to score.
// Usage: npm run bench:calibration -- [--model smollm2|gemma] [--draws 3] [--seed 1] [--split 20,20,50]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getLlama, LlamaChatSession, type ChatHistoryItem, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { seedGenome } from '../activities/run-lifecycle.js';
import { parseTaskDataset } from '../core/data/task-dataset.js';
import { splitExamples } from '../core/data/split.js';
import type { Example } from '../core/data/example.js';
import { renderTaskMessages } from '../core/genome/render.js';
import { Rng } from '../core/rng.js';
import { benchTask } from './dspy/tasks.js';
import { intFlag, markdownTable, printHeader } from './report.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'smollm2' },
    draws: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    split: { type: 'string', default: '20,20,50' },
  },
});
const draws = intFlag(values, 'draws');
const task = benchTask(`ticket-routing@${values.model}`, {
  calls: 0,
  realCalls: 0,
  realSplit: values.split,
  realMaxTokens: 0,
});
const parsed = parseTaskDataset(readFileSync(task.loaded.datasetPath, 'utf8'), task.spec, task.spec.data.path);
const split = splitExamples(parsed.rows, task.spec.data.split);
const field = Object.keys(task.spec.signature.outputs)[0]!;
const output = task.spec.signature.outputs[field];
const labels = output?.type === 'enum' ? output.values : [];
if (labels.length < 2) throw new Error(`${task.label}: the first output field must be an enum of at least two labels`);
const inputField = Object.keys(task.spec.signature.inputs)[0]!;
const CONTENT_FREE = ['N/A', '', '[MASK]'];
const genome = seedGenome(task.spec);

/** Probability of each label's first token after the answer's JSON prefix. */
async function labelProbabilities(
  model: LlamaModel,
  context: LlamaContext,
  labelTokens: readonly number[],
  demos: readonly Example[],
  inputs: Record<string, unknown>,
): Promise<number[]> {
  const messages = renderTaskMessages(genome, task.spec.signature, demos, inputs);
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'assistant'
      ? { type: 'model', response: [m.content] }
      : m.role === 'system'
        ? { type: 'system', text: m.content }
        : { type: 'user', text: m.content },
  );
  history.push({ type: 'model', response: [] });
  const sequence = context.getSequence();
  try {
    const session = new LlamaChatSession({ contextSequence: sequence });
    const prompt = session.chatWrapper.generateContextState({ chatHistory: history }).contextText;
    const tokens = [...prompt.tokenize(model.tokenizer), ...model.tokenize(`{"${field}": "`, false)];
    const last = tokens.length - 1;
    const out = await sequence.controlledEvaluate(
      tokens.map((t, i) => (i === last ? ([t, { generateNext: { probabilities: true } }] as const) : t)),
    );
    session.dispose({ disposeSequence: false });
    const probabilities = out[last]?.next?.probabilities ?? new Map<number, number>();
    return labelTokens.map((token) => probabilities.get(token) ?? 0);
  } finally {
    await sequence.dispose();
  }
}

const normalize = (p: number[]): number[] => {
  const sum = p.reduce((a, b) => a + b, 0) || 1;
  return p.map((x) => x / sum);
};
const argmax = (p: number[]): string => labels[p.indexOf(Math.max(...p))]!;
const counts = (answers: string[]): string =>
  Object.entries(answers.reduce<Record<string, number>>((c, a) => ({ ...c, [a]: (c[a] ?? 0) + 1 }), {}))
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');

const llama = await getLlama({ gpu: false });
const model = await llama.loadModel({ modelPath: task.gguf! });
const context = await model.createContext({ contextSize: 4096, sequences: 1 });
// Each label's first token, read once: its probability stands for the label's.
const labelTokens = labels.map((label) => model.tokenize(label)[0]!);
printHeader('Label probabilities, raw and calibrated', {
  model: task.taskModel,
  split: `train ${split.train.length} / val ${split.val.length} / test ${split.test.length}`,
  draws,
  seed: values.seed,
  'content-free inputs': CONTENT_FREE.map((c) => JSON.stringify(c)).join(', '),
});
const rng = Rng.fromSeed(`label-calibration:${values.seed}`);
const rows: (string | number)[][] = [];
for (let draw = 1; draw <= draws; draw++) {
  const demos = rng.shuffle(
    labels.flatMap((label) => {
      const pool = split.train.filter((e) => e.outputs[field] === label);
      return pool.length > 0 ? [pool[rng.int(pool.length)]!] : [];
    }),
  );
  const free: number[][] = [];
  for (const input of CONTENT_FREE)
    free.push(normalize(await labelProbabilities(model, context, labelTokens, demos, { [inputField]: input })));
  const prior = labels.map((_, i) => free.reduce((sum, p) => sum + p[i]!, 0) / free.length);
  for (const [name, examples] of [
    ['val', split.val],
    ['test', split.test],
  ] as const) {
    const raw: string[] = [];
    const calibrated: string[] = [];
    for (const example of examples) {
      const p = await labelProbabilities(model, context, labelTokens, demos, example.inputs);
      raw.push(argmax(p));
      calibrated.push(argmax(p.map((x, i) => x / Math.max(prior[i]!, 1e-9))));
    }
    const right = (answers: string[]): string =>
      (answers.filter((a, i) => a === examples[i]!.outputs[field]).length / examples.length).toFixed(3);
    rows.push([draw, name, right(raw), counts(raw), right(calibrated), counts(calibrated)]);
  }
}
const majority = (examples: readonly Example[]): string =>
  (Math.max(...labels.map((l) => examples.filter((e) => e.outputs[field] === l).length)) / examples.length).toFixed(3);
console.log(
  markdownTable(['draw', 'split', 'most probable label: right', 'answers', 'calibrated: right', 'answers'], rows),
);
console.log(`\n- the most common label's share: val ${majority(split.val)}, test ${majority(split.test)}`);
await context.dispose();
await model.dispose();
await llama.dispose();
