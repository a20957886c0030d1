// Shared test helpers: start a model server on a free port and talk to it with the real client.
import OpenAI from 'openai';
import { familyByName } from '../../model-server/families/index.js';
import { type ModelServerConfig, parseModelServerConfig } from '../../model-server/base/config.js';
import { Rng } from '../../model-server/base/prng.js';
import { type ModelServer, startModelServer } from '../../model-server/server/server.js';

export const simModels = {
  'sim-large': { backend: { type: 'simulated', size: 'large' } },
  'sim-small': { backend: { type: 'simulated', size: 'small' } },
};

export async function startTestServer(raw: Record<string, unknown> = { models: simModels }): Promise<ModelServer> {
  const config: ModelServerConfig = parseModelServerConfig(raw, 'test config');
  return startModelServer(config, { port: 0, host: '127.0.0.1' });
}

export function clientFor(server: ModelServer, options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test-key', maxRetries: 0, ...options });
}

export interface Row {
  inputs: Record<string, string>;
  expected: Record<string, string | number>;
}

export function dataset(family: string, n: number, seed: number): Row[] {
  const f = familyByName(family);
  if (!f) throw new Error(`unknown family ${family}`);
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => f.generate(rng));
}

export const renderInputs = (inputs: Record<string, string>): string =>
  Object.entries(inputs)
    .map(([k, v]) => `${k}: ${v.split('\n').join('\n  ')}`)
    .join('\n');

export interface Demo {
  inputs: Record<string, string>;
  outputs: Record<string, string | number>;
}

/** Task call in the wire format of docs/PROMPT-FORMAT.md. */
export function taskMessages(
  instruction: string,
  inputs: Record<string, string>,
  demos: Demo[] = [],
): OpenAI.Chat.ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: instruction },
    ...demos.flatMap((d): OpenAI.Chat.ChatCompletionMessageParam[] => [
      { role: 'user', content: renderInputs(d.inputs) },
      { role: 'assistant', content: JSON.stringify(d.outputs) },
    ]),
    { role: 'user', content: renderInputs(inputs) },
  ];
}

/** Ask `model` about every row; returns the parsed answers (undefined when unparseable). */
export async function predict(
  client: OpenAI,
  model: string,
  instruction: string,
  rows: Row[],
  field: string,
  demos: Demo[] = [],
): Promise<(string | number | undefined)[]> {
  return Promise.all(
    rows.map(async (row) => {
      const completion = await client.chat.completions.create({
        model,
        temperature: 0,
        messages: taskMessages(instruction, row.inputs, demos),
      });
      const content = completion.choices[0]?.message.content ?? '';
      try {
        const parsed = JSON.parse(content.replace(/^```json\n|\n```$/g, '')) as Record<string, string | number>;
        return parsed[field];
      } catch {
        return undefined;
      }
    }),
  );
}

export function accuracy(predictions: unknown[], rows: Row[], field: string): number {
  return predictions.filter((p, i) => p === rows[i]?.expected[field]).length / rows.length;
}

export function stdev(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
}
