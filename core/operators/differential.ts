import { ANSWER_INSTRUCTIONS, childFromReply, fencePrompt, renderEvidence } from './meta-format.js';
import { type LlmOperator, parentAt } from './operator.js';

/**
 * EvoPrompt DE. Parents, in order: base (the candidate being replaced), two donors, and
 * the current best. The donors' differences play the part of DE's difference vector:
 * mutated, applied to the best, then crossed with the base. Evidence, when there is some: the
 * current best's train failures.
 */
export const differentialOperator: LlmOperator = {
  kind: 'llm',
  name: 'differential',
  parentsNeeded: 4,
  buildMetaPrompt(ctx) {
    const user = [
      'You evolve prompts for a language model with differential evolution.',
      'Prompt 1 (donor):',
      fencePrompt(parentAt(ctx, 1, 'differential')),
      'Prompt 2 (donor):',
      fencePrompt(parentAt(ctx, 2, 'differential')),
      'Prompt 3 (current best):',
      fencePrompt(parentAt(ctx, 3, 'differential')),
      'Basic prompt:',
      fencePrompt(parentAt(ctx, 0, 'differential')),
      [
        '1. Identify the parts where Prompt 1 and Prompt 2 differ.',
        '2. Mutate those different parts (rephrase, strengthen or generalise them).',
        '3. Apply the mutated parts to Prompt 3, replacing the matching parts.',
        '4. Cross over the result of step 3 with the basic prompt to produce the final prompt.',
      ].join('\n'),
      ...renderEvidence(
        'Examples the current best prompt got wrong, with feedback: the final prompt should handle them, through general rules.',
        ctx.examples ?? [],
      ),
      ANSWER_INSTRUCTIONS,
    ].join('\n\n');
    return [{ role: 'user', content: user }];
  },
  parseReply(text, ctx) {
    return childFromReply(text, parentAt(ctx, 3, 'differential'), ctx, 'differential');
  },
};
