import type { Genome } from '../genome/genome.js';
import { parseInstruction, renderInstruction } from '../genome/instruction.js';
import { renderFields } from '../genome/render-fields.js';
import { acceptChild } from './guards.js';
import type { OperatorContext, OperatorResult, ShownExample } from './operator.js';

/** A prompt inside a ```prompt fence, as every meta-prompt shows it. */
export function fencePrompt(genome: Genome): string {
  return `\`\`\`prompt\n${renderInstruction(genome.sections)}\n\`\`\``;
}

export const ANSWER_INSTRUCTIONS =
  'Return exactly one new prompt inside a single fenced block opened by ```prompt and closed by ```. ' +
  'Keep the same "## Section" headers (## Role, ## Task, ## Rules, ## Reasoning, ## Uncertainty, ## Output format); ' +
  'write rules as "- " bullets; omit sections you do not need.';

const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

/** `Inputs:` / `Expected:` / `Got:` / `Feedback:` lines, per the wire format. */
export function renderShownExample(example: ShownExample, index: number): string {
  const lines = [
    `Example ${index + 1}`,
    'Inputs:',
    indent(renderFields(example.inputs)),
    `Expected: ${JSON.stringify(example.expected)}`,
  ];
  if (example.got !== undefined)
    lines.push(`Got: ${typeof example.got === 'string' ? example.got : JSON.stringify(example.got)}`);
  if (example.feedback) lines.push(`Feedback: ${example.feedback}`);
  return lines.join('\n');
}

/** The first ```prompt block, else the first fenced block, else the whole reply. */
export function extractFenced(reply: string, tag = 'prompt'): string | undefined {
  const tagged = new RegExp('```' + tag + '[^\\n]*\\n([\\s\\S]*?)\\n?```', 'i').exec(reply);
  return tagged?.[1];
}

export function extractPromptText(reply: string): string {
  return extractFenced(reply) ?? /```[a-zA-Z]*\n([\s\S]*?)\n?```/.exec(reply)?.[1] ?? reply;
}

/** Reply → child genome with the base parent's demos, through the guards. */
export function childFromReply(reply: string, base: Genome, ctx: OperatorContext, note: string): OperatorResult {
  const parsed = parseInstruction(extractPromptText(reply));
  if (!parsed.ok) return { ok: false, reason: `meta model reply rejected: ${parsed.reason}` };
  return acceptChild({ sections: parsed.sections, demos: [...base.demos] }, ctx, note);
}
