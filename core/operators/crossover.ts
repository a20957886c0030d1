import { ANSWER_INSTRUCTIONS, childFromReply, fencePrompt, renderEvidence } from './meta-format.js';
import { type LlmOperator, parentAt } from './operator.js';

/**
 * EvoPrompt GA: cross two parents over, then mutate the result. The child keeps the
 * first (fitter) parent's demos; demo sets evolve through the demo operators. Evidence, when
 * there is some: the first parent's train failures, those the second parent answered right first.
 */
export const crossoverOperator: LlmOperator = {
  kind: 'llm',
  name: 'crossover',
  parentsNeeded: 2,
  buildMetaPrompt(ctx) {
    const user = [
      'You combine prompts for a language model, as in a genetic algorithm.',
      'Prompt 1:',
      fencePrompt(parentAt(ctx, 0, 'crossover')),
      'Prompt 2:',
      fencePrompt(parentAt(ctx, 1, 'crossover')),
      '1. Cross over the two prompts: build one prompt that takes the strongest parts (role, task wording, rules) of each.',
      '2. Mutate the result: rephrase or sharpen at least one part so it is not a plain copy.',
      ...renderEvidence(
        'Examples Prompt 1 got wrong (the answer shown is the one Prompt 1 led to; Prompt 2 got the first ones right): keep the parts that handle them, stated as general rules.',
        ctx.examples ?? [],
      ),
      ANSWER_INSTRUCTIONS,
    ].join('\n\n');
    return [{ role: 'user', content: user }];
  },
  parseReply(text, ctx) {
    return childFromReply(text, parentAt(ctx, 0, 'crossover'), ctx, 'crossover');
  },
};
