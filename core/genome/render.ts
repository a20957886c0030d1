import type { ChatMessage } from '../chat.js';
import { describeOutputType, type Signature } from '../task/signature.js';
import { type ResponseFormat, responseFormatFor } from '../task/signature-json-schema.js';
import type { Demo, Genome } from './genome.js';
import { renderInstruction } from './instruction.js';
import { renderFields } from './render-fields.js';

/** A demo with its example looked up: what is actually shown to the model. */
export interface ResolvedDemo {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  reasoning?: string;
}

/** The output-format section a signature implies, used when the genome does not state its own. */
export function outputFormatFor(signature: Signature, reasoning: 'direct' | 'think'): string {
  const fields = Object.entries(signature.outputs).map(([name, type]) => {
    const description = type.description ? `, ${type.description}` : '';
    return `"${name}" (${describeOutputType(type)}${description})`;
  });
  const lead = reasoning === 'think' ? '"reasoning" (string, written first), ' : '';
  return `Respond with a JSON object with the fields: ${lead}${fields.join(', ')}.`;
}

/** Looks up example demos by id; a missing id is an error naming it, since the genome refers to data that is gone. */
export function resolveDemos(demos: readonly Demo[], examplesById: ReadonlyMap<string, ResolvedDemo>): ResolvedDemo[] {
  return demos.map((demo) => {
    if (demo.kind === 'trace')
      return demo.reasoning === undefined
        ? { inputs: demo.inputs, outputs: demo.outputs }
        : { inputs: demo.inputs, outputs: demo.outputs, reasoning: demo.reasoning };
    const example = examplesById.get(demo.exampleId);
    if (!example)
      throw new Error(
        `demo refers to example "${demo.exampleId}", which is not in the dataset; re-import the data or drop the demo`,
      );
    return example;
  });
}

function demoAnswer(demo: ResolvedDemo, signature: Signature, think: boolean): string {
  const answer: Record<string, unknown> = {};
  if (think && demo.reasoning !== undefined) answer.reasoning = demo.reasoning;
  for (const name of Object.keys(signature.outputs))
    if (demo.outputs[name] !== undefined) answer[name] = demo.outputs[name];
  return JSON.stringify(answer);
}

/** Genome + inputs → chat messages: system instruction, demos as prior turns, then the example to answer. */
export function renderTaskMessages(
  genome: Genome,
  signature: Signature,
  demos: readonly ResolvedDemo[],
  inputs: Record<string, unknown>,
): ChatMessage[] {
  const order = Object.keys(signature.inputs);
  const think = genome.sections.reasoning === 'think';
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content: renderInstruction(genome.sections, outputFormatFor(signature, genome.sections.reasoning)),
    },
  ];
  for (const demo of demos) {
    messages.push({ role: 'user', content: renderFields(demo.inputs, order) });
    messages.push({ role: 'assistant', content: demoAnswer(demo, signature, think) });
  }
  messages.push({ role: 'user', content: renderFields(inputs, order) });
  return messages;
}

/** The `response_format` to send when the model supports structured output. */
export function responseFormatForGenome(genome: Genome, signature: Signature): ResponseFormat {
  return responseFormatFor(signature, { reasoning: genome.sections.reasoning === 'think' });
}
