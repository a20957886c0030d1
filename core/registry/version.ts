import { type Genome, normalizeGenome } from '../genome/genome.js';
import { sha256Hex, canonicalJson } from '../hash.js';
import type { OutputType, Signature } from '../task/signature.js';

/** Bumped whenever what goes into a version hash changes, so old and new hashes never collide. */
export const VERSION_FORMAT = 1;

/** The settings a version was scored with that change its answers. */
export interface DecodingSettings {
  temperature: number;
  maxTokens?: number;
  structuredOutput: boolean;
}

/** What a registry version is: the prompt, the contract it answers, and the model it was scored on. */
export interface VersionContent {
  signature: Signature;
  genome: Genome;
  /** The provider's model id (`models.<name>.model`), not the task file's local alias. */
  model: string;
  decoding: DecodingSettings;
}

/**
 * Content address of a version: sha256 of canonical JSON over the format, the signature, the
 * normalised genome (so whitespace does not make a new version), the model and its decoding.
 * Signature fields are hashed as ordered lists because their order is the order they are rendered
 * in; canonical JSON would otherwise sort them away. Example demos are refused: they name dataset
 * rows, so two different prompts could share a hash.
 */
export function versionHash(content: VersionContent): string {
  const exampleDemo = content.genome.demos.find((demo) => demo.kind === 'example');
  if (exampleDemo) {
    throw new Error(
      `versionHash: demo "${exampleDemo.exampleId}" refers to a dataset example; ` +
        'resolve example demos to trace demos (their inputs and outputs) before registering a version',
    );
  }
  return sha256Hex(
    canonicalJson({
      format: VERSION_FORMAT,
      signature: {
        inputs: Object.entries(content.signature.inputs),
        outputs: Object.entries(content.signature.outputs).map(([name, type]) => [name, orderedOutputType(type)]),
        reasoning: content.signature.reasoning ?? 'direct',
      },
      genome: normalizeGenome(content.genome),
      model: content.model,
      decoding: {
        temperature: content.decoding.temperature,
        maxTokens: content.decoding.maxTokens ?? null,
        structuredOutput: content.decoding.structuredOutput,
      },
    }),
  );
}

function orderedOutputType(type: OutputType): unknown {
  if (type.type === 'object') {
    return { ...type, fields: Object.entries(type.fields).map(([name, field]) => [name, orderedOutputType(field)]) };
  }
  if (type.type === 'list') return { ...type, items: orderedOutputType(type.items) };
  return type;
}
