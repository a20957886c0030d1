// What a task family is: how it recognises its inputs, its hidden rules, how a simulated model
// answers given what the prompt conveys, and how its labelled data is generated.
import type { Rng } from '../base/prng.js';
import type { CueSpec } from './cues.js';
import type { Capability } from './capability.js';

/** Named text fields: a task's inputs or outputs as the simulator reads them from a request. */
export type Fields = Record<string, string>;

export interface RuleDef {
  id: string;
  /** `hidden`: part of the truth. `decoy`: plausible but wrong; applying it lowers accuracy. */
  kind: 'hidden' | 'decoy';
  /** How a meta model writes the rule down (several wordings; each must satisfy `cues`). */
  statements: readonly string[];
  cues: CueSpec;
}

export interface TaskContext {
  inputs: Fields;
  instruction: string;
  demos: readonly { inputs: Fields; outputs: Fields }[];
  capability: Capability;
  /** For wording choices; seeded by the whole request. */
  rng: Rng;
  /**
   * Decision draws, uniform in [0, 1), keyed by the example's inputs, the model and `key` (not by the
   * prompt), so two prompts compared on the same example face the same luck: a paired comparison.
   */
  uniform(key: string): number;
  /** Extra noise from sampling temperature, 0 at temperature 0. */
  temperatureNoise: number;
  /** The prompt asks the model to reason before answering. */
  reasoning: boolean;
}

export type FamilyAnswer =
  | { kind: 'label'; label: string; rationale: string }
  | { kind: 'score'; score: number; rationale: string }
  | { kind: 'text'; text: string; rationale: string };

export interface GeneratedExample {
  inputs: Record<string, string>;
  expected: Record<string, string | number>;
}

export interface Family {
  name: string;
  answerKind: FamilyAnswer['kind'];
  /** The family's own output field name, used when the request names none. */
  answerField: string;
  labels?: readonly string[];
  rules: readonly RuleDef[];
  /** Do these inputs belong to this family (by field names and content)? */
  detect(inputs: Fields): boolean;
  answer(context: TaskContext): FamilyAnswer;
  /** Hidden rules whose effect this example shows: the rule fires and the output agrees with it. */
  rulesShownBy(inputs: Fields, outputs: Fields): string[];
  /** Anchor statements a meta model may add when `got` hedged where `expected` was extreme. */
  anchorsFor?(expected: Fields, got: Fields | undefined): string[];
  generate(rng: Rng): GeneratedExample;
}
