import type { Genome } from '../genome/genome.js';
import type { ResolvedDemo } from '../genome/render.js';
import type { Signature } from '../task/signature.js';

/**
 * A program: a genome answering a signature's inputs, and how it is called. Whether it thinks
 * before answering is the genome's `reasoning` section (`direct` or `think`); whether it votes is
 * its `sampling`. A multi-step program would chain several of these (one per predictor), each
 * answered by `answerWithProgram`, and score the last answer with `scoreAnswer`.
 */
export interface Program {
  signature: Signature;
  genome: Genome;
  /** The genome's demos with their examples looked up (`resolveDemos`): what the model is shown. */
  demos: readonly ResolvedDemo[];
  /** Several samples and a majority vote; absent: one call at temperature 0. */
  sampling?: CallProgram;
}

/** How a program's calls are made: one direct call, or several samples and a majority vote. */
export interface CallProgram {
  samples: number;
  temperature: number;
}

/** The sampling a program votes with, or undefined when it makes one call (one sample is one call). */
export function samplingOf(settings: CallProgram | undefined): CallProgram | undefined {
  return settings && settings.samples > 1
    ? { samples: settings.samples, temperature: settings.temperature }
    : undefined;
}

/** The name evaluations of a program are stored under: the model, plus the vote when there is one. */
export function programLabel(model: string, program?: CallProgram): string {
  return program && program.samples > 1 ? `${model}:vote${program.samples}@t${program.temperature}` : model;
}
