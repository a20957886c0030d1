import { renderInstruction } from '../core/genome/instruction.js';
import { outputFormatFor, resolveDemos } from '../core/genome/render.js';
import type { Genome } from '../core/genome/genome.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Db } from '../platform/db.js';
import { loadDemoExamples } from './run-details.js';

/**
 * The winning program as a runtime loads it: signature, the genome (for lineage and re-rendering),
 * the rendered system prompt, and the demos resolved to their inputs and outputs.
 */
export interface ExportedProgram {
  format: 'promptevo.program/v1';
  task: string;
  runId: string;
  hash: string;
  signature: TaskSpec['signature'];
  genome: Genome;
  system: string;
  demos: { inputs: Record<string, unknown>; outputs: Record<string, unknown>; reasoning?: string }[];
  scores: { val: number | null; test: number | null };
}

export async function exportProgram(
  db: Db,
  runId: string,
  spec: TaskSpec,
  hash: string,
  genome: Genome,
  scores: ExportedProgram['scores'],
): Promise<ExportedProgram> {
  const examples = await loadDemoExamples(db, runId, genome);
  return {
    format: 'promptevo.program/v1',
    task: spec.name,
    runId,
    hash,
    signature: spec.signature,
    genome,
    system: renderInstruction(genome.sections, outputFormatFor(spec.signature, genome.sections.reasoning)),
    demos: resolveDemos(genome.demos, examples),
    scores,
  };
}

/**
 * The same program as DSPy saves a single `dspy.Predict` (`program.save("x.json")`): the instruction
 * becomes the signature's instructions, demos become augmented examples, one entry per field.
 */
export function toDspyJson(program: ExportedProgram): Record<string, unknown> {
  const prefix = (name: string): string =>
    `${name
      .split('_')
      .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
      .join(' ')}:`;
  const fields = [
    ...Object.entries(program.signature.inputs).map(([name, f]) => ({
      prefix: prefix(name),
      description: ('description' in f ? f.description : undefined) ?? `\${${name}}`,
    })),
    ...Object.entries(program.signature.outputs).map(([name, f]) => ({
      prefix: prefix(name),
      description: f.description ?? `\${${name}}`,
    })),
  ];
  return {
    self: {
      traces: [],
      train: [],
      demos: program.demos.map((d) => ({
        augmented: true,
        ...d.inputs,
        ...d.outputs,
        ...(d.reasoning ? { reasoning: d.reasoning } : {}),
      })),
      signature: { instructions: renderInstruction(program.genome.sections), fields },
      lm: null,
    },
    metadata: { exported_by: 'promptevo', run_id: program.runId, genome_hash: program.hash },
  };
}
