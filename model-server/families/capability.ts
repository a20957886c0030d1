// How model size changes behaviour. The large model infers some rules unaided, needs one
// illustrating demo, hedges less and makes fewer careless mistakes; the small model needs rules
// spelled out (or two demos), hedges strongly and sometimes ignores the output format.

export type ModelSize = 'small' | 'large';

export interface Capability {
  size: ModelSize;
  /** Probability of applying a rule the instruction states. */
  applyStated: number;
  /** Demos illustrating a rule needed to learn it, and the probability of applying it then. */
  demosNeeded: number;
  applyFromDemos: number;
  /** Probability of applying a rule learned from fewer demos than needed (but at least one). */
  applyFromOneDemo: number;
  /** Baseline probability of a careless wrong answer. */
  noise: number;
  /** Probability of answering in prose when the prompt gives no format guidance at all. */
  proseWithoutGuidance: number;
  /**
   * Meta behaviour: chance to write down a rule an example in the request shows, and to add a
   * wrong rule. Without examples a meta model knows nothing of the task's hidden rules.
   */
  metaRuleUptake: number;
  metaDecoyRate: number;
}

export const capabilities: Record<ModelSize, Capability> = {
  large: {
    size: 'large',
    applyStated: 0.97,
    demosNeeded: 1,
    applyFromDemos: 0.92,
    applyFromOneDemo: 0.92,
    noise: 0.03,
    proseWithoutGuidance: 0.02,
    metaRuleUptake: 0.85,
    metaDecoyRate: 0.1,
  },
  small: {
    size: 'small',
    applyStated: 0.85,
    demosNeeded: 2,
    applyFromDemos: 0.85,
    applyFromOneDemo: 0.35,
    noise: 0.1,
    proseWithoutGuidance: 0.25,
    metaRuleUptake: 0.5,
    metaDecoyRate: 0.25,
  },
};
