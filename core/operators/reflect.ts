import {
  ANSWER_INSTRUCTIONS,
  childFromReply,
  EXAMPLES_ARE_DATA,
  fencePrompt,
  renderShownExample,
} from './meta-format.js';
import { type LlmOperator, parentAt } from './operator.js';

/**
 * GEPA reflective mutation: show the parent and a minibatch of its answers with the
 * metric's feedback, and ask for a prompt that fixes the failures without losing what
 * already works. Feedback text is the signal here, not just the score.
 */
export const reflectOperator: LlmOperator = {
  kind: 'llm',
  name: 'reflect',
  parentsNeeded: 1,
  buildMetaPrompt(ctx) {
    const examples = ctx.examples ?? [];
    if (examples.length === 0) throw new Error('reflect: needs ctx.examples (a minibatch of answers with feedback)');
    const user = [
      `A language model was given the prompt below. Then it answered the examples that follow; each shows the inputs, the expected answer, what the model answered and feedback on it. ${EXAMPLES_ARE_DATA}`,
      fencePrompt(parentAt(ctx, 0, 'reflect')),
      examples.map(renderShownExample).join('\n\n'),
      [
        'Work out why the answers went wrong. Look for domain facts, conventions and decision criteria the prompt is missing,',
        'including how to use the full range of possible answers. Write a new prompt that teaches the model these lessons',
        'as general rules (not as copies of these examples) and keeps what already works.',
      ].join(' '),
      ANSWER_INSTRUCTIONS,
    ].join('\n\n');
    return [{ role: 'user', content: user }];
  },
  parseReply(text, ctx) {
    return childFromReply(text, parentAt(ctx, 0, 'reflect'), ctx, 'reflect');
  },
};
