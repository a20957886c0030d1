import { extractFenced, ANSWER_INSTRUCTIONS, childFromReply, fencePrompt, renderEvidence } from './meta-format.js';
import { MUTATION_PROMPTS, THINKING_STYLES } from './mutation-library.js';
import { type LlmOperator, type OperatorContext, parentAt } from './operator.js';

/** Chance that a mutation first rewrites its mutation-prompt (PromptBreeder's hyper-mutation). */
export const HYPER_MUTATION_RATE = 0.2;

interface MutationPlan {
  mutationPrompt: string;
  thinkingStyle: string;
  hyper: boolean;
}

/**
 * The plan is drawn from the rng in `buildMetaPrompt`; it is deterministic given the rng
 * state, so a replayed workflow builds the same meta-prompt.
 */
function plan(ctx: OperatorContext): MutationPlan {
  const library = ctx.mutationPrompts?.length ? ctx.mutationPrompts : MUTATION_PROMPTS;
  return {
    mutationPrompt: ctx.rng.pick(library),
    thinkingStyle: ctx.rng.pick(THINKING_STYLES),
    hyper: ctx.rng.float() < HYPER_MUTATION_RATE,
  };
}

/**
 * PromptBreeder mutation: one parent, rewritten under a mutation-prompt × thinking-style. When the
 * parent has failures on train, they are shown as evidence (`ctx.examples`), so the rewrite is
 * grounded in what the prompt gets wrong rather than blind.
 */
export const mutateOperator: LlmOperator = {
  kind: 'llm',
  name: 'mutate',
  parentsNeeded: 1,
  buildMetaPrompt(ctx) {
    const parent = parentAt(ctx, 0, 'mutate');
    const { mutationPrompt, thinkingStyle, hyper } = plan(ctx);
    const steps = hyper
      ? [
          'First improve this mutation instruction so it leads to better prompts, and return it inside a fenced block opened by ```mutation:',
          `Mutation instruction: ${mutationPrompt}`,
          'Then apply your improved mutation instruction to the prompt below.',
        ]
      : [`Mutation instruction: ${mutationPrompt}`];
    const user = [
      'You improve prompts for a language model.',
      `Thinking style: ${thinkingStyle}`,
      ...steps,
      'Prompt to improve:',
      fencePrompt(parent),
      ...renderEvidence(
        'Examples this prompt got wrong, with the expected answer, the answer given and feedback: use them as evidence of what the prompt is missing, and state what you learn as general rules, not copies of the examples.',
        ctx.examples ?? [],
      ),
      ANSWER_INSTRUCTIONS,
    ].join('\n\n');
    return [{ role: 'user', content: user }];
  },
  parseReply(text, ctx) {
    const result = childFromReply(text, parentAt(ctx, 0, 'mutate'), ctx, 'mutate');
    const mutationPrompt = extractFenced(text, 'mutation')?.trim();
    return result.ok && mutationPrompt ? { ...result, note: 'mutate (hyper-mutated)', mutationPrompt } : result;
  },
};
