import { describe, expect, it } from 'vitest';
import {
  decodeGenerationInput,
  zeroSpend,
  type GenerationInput,
  type LegacyGenerationInput,
} from '../../../contracts/index.js';
import { Rng } from '../../../core/rng.js';
import { parseTaskSpec } from '../../../core/task/spec.js';
import { validTaskYaml } from '../core/fixtures.js';

const base: Omit<GenerationInput, 'mode'> = {
  runId: 'r1',
  generation: 2,
  spec: parseTaskSpec(validTaskYaml, 'fixture.yaml'),
  valIds: ['v1'],
  screenIds: ['t1'],
  population: [],
  rngState: Rng.fromSeed('x').getState(),
  budget: {},
  reserveCalls: 0,
  spend: { ...zeroSpend },
};
const teacher = { hash: 'h', model: 'sim-large', program: { samples: 5, temperature: 0.7 } };

/** As the history stores it: JSON, so absent and undefined fields look the same. */
const recorded = (input: GenerationInput | LegacyGenerationInput): GenerationInput | LegacyGenerationInput =>
  JSON.parse(JSON.stringify(input)) as GenerationInput;

describe('generation input decoding', () => {
  it('takes the current shape as it is', () => {
    const input: GenerationInput = { ...base, mode: { kind: 'distill', fitness: { model: 'sim-small' }, teacher } };
    expect(decodeGenerationInput(recorded(input))).toEqual(recorded(input));
  });

  it('reads an input without mode or stage as evolution on the dev model', () => {
    expect(decodeGenerationInput(recorded(base))).toEqual(recorded({ ...base, mode: { kind: 'evolve' } }));
    expect(decodeGenerationInput(recorded({ ...base, stage: 'evolve', fitness: 'dev' }))).toEqual(
      recorded({ ...base, mode: { kind: 'evolve' } }),
    );
  });

  it('reads stage, fitness and teacher as a distillation round, without the old fields', () => {
    const legacy: LegacyGenerationInput = { ...base, stage: 'distill', fitness: { model: 'sim-small' }, teacher };
    const decoded = decodeGenerationInput(recorded(legacy));
    expect(decoded.mode).toEqual({ kind: 'distill', fitness: { model: 'sim-small' }, teacher });
    expect(decoded).not.toHaveProperty('stage');
    expect(decoded).not.toHaveProperty('teacher');
  });

  it('refuses a distillation round without its student or teacher, naming the run and generation', () => {
    expect(() => decodeGenerationInput({ ...base, stage: 'distill', teacher })).toThrow(
      /generation 2 of run r1: stage "distill" needs a student fitness model and a teacher/,
    );
    expect(() => decodeGenerationInput({ ...base, stage: 'distill', fitness: { model: 'sim-small' } })).toThrow(
      /needs a student fitness model and a teacher/,
    );
  });
});
