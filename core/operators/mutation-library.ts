/**
 * PromptBreeder's two ingredients: mutation-prompts (how to change a prompt) and
 * thinking-styles (how to think about changing it). A mutation combines one of each;
 * hyper-mutation rewrites a mutation-prompt so the library itself evolves.
 */
export const MUTATION_PROMPTS: readonly string[] = [
  'Make the instruction more specific about the decisions that are easy to get wrong.',
  'Rewrite the prompt so a careful beginner could follow it without any other context.',
  'Add one rule that would prevent the most likely mistake, and remove any rule that does not change behaviour.',
  'Shorten the prompt: keep every constraint, drop repetition and filler.',
  'Change the role to an expert who would do this task best, and adjust the wording to match.',
  'State explicitly how to handle ambiguous or borderline inputs.',
  'Describe what a great answer looks like, including the full range of possible answers, not just typical ones.',
  'Reorganise the rules from most to least important and make each one concrete.',
];

export const THINKING_STYLES: readonly string[] = [
  'Think about how an experienced practitioner would explain this task to a new colleague.',
  'List the ways an answer could go wrong, then guard against each.',
  'Consider the simplest version of the prompt that still works.',
  'Think of concrete edge cases and how the prompt should treat them.',
  'Break the task into steps and make each step explicit.',
  'Question each assumption the current prompt makes.',
  'Think about what evidence in the input should change the answer.',
  'Imagine a critic reading the prompt; address their strongest objection.',
];
