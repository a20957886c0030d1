import { ApplicationFailure } from '@temporalio/workflow';
import { decodeGenerationInput, type GenerationInput, type LegacyGenerationInput } from '../contracts/index.js';

/** The recorded input (either shape) to the current one; an input no version wrote fails the workflow. */
export function decodeInput(recorded: GenerationInput | LegacyGenerationInput): GenerationInput {
  try {
    return decodeGenerationInput(recorded);
  } catch (err) {
    throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidGenerationInput');
  }
}
