// Recognising meta requests generically: the request contains one or more prompts to work on
// (```prompt fences, <prompt> tags, "Prompt 1:" headings, DSPy instruction fields, or a plain fence
// around "instructions") and asks for a new, improved, rewritten or combined prompt/instruction.
import type { RequestView } from './request-view.js';

export interface MetaRequest {
  prompts: string[];
  /** How the reply should fence the new prompt when no output field is requested. */
  fence: 'prompt' | 'plain';
  /** The request text with the prompts removed: where examples and feedback are searched. */
  rest: string;
}

const asks =
  /\b(rewrite|rewritten|improve|improved|mutate|mutated|mutation|combine|combined|crossover|cross over|merge|merged|repair|repaired|revise|revised|new|better|variant|variation|propose|proposed|evolve|evolved)\b[\s\S]{0,80}?\b(prompt|instruction)s?\b/i;
const promptHeading = /^(?:#+\s*)?Prompt\s+(?:\d+|[A-Z])\s*:?\s*$/;
const headingStop =
  /^(?:---|examples?\b|inputs?:|failures?\b|now\b|write\b|return\b|combine\b|create\b|produce\b|give\b|respond\b|reply\b)/i;

function promptsUnderHeadings(text: string): string[] {
  const found: string[] = [];
  let current: string[] | undefined;
  const flush = (): void => {
    if (current && current.join('').trim()) found.push(current.join('\n').trim());
    current = undefined;
  };
  for (const line of text.split('\n')) {
    if (promptHeading.test(line.trim())) {
      flush();
      current = [];
    } else if (current && headingStop.test(line.trim())) {
      flush();
    } else if (current) {
      current.push(line);
    }
  }
  flush();
  return found;
}

export function readMetaRequest(view: RequestView): MetaRequest | undefined {
  const text = view.allText;
  const instructionOutput = view.dspyOutputFields.some((f) => /instruction|prompt/i.test(f));
  if (!asks.test(text) && !instructionOutput) return undefined;

  let prompts = [...text.matchAll(/```prompt[^\n]*\n([\s\S]*?)\n?```/g)].map((m) => m[1] ?? '');
  let fence: MetaRequest['fence'] = 'prompt';
  if (prompts.length === 0) prompts = [...text.matchAll(/<prompt>([\s\S]*?)<\/prompt>/g)].map((m) => m[1] ?? '');
  if (prompts.length === 0) prompts = promptsUnderHeadings(text);
  if (prompts.length === 0 && view.inputLayout === 'dspy') {
    // One instruction field is the one being rewritten; side fields (additional instructions, an
    // instruction history) are context, not a second prompt to merge.
    const named = Object.entries(view.inputs).filter(([name]) => /instruction|prompt/i.test(name));
    const side = /additional|extra|history|previous|past|tip/i;
    const main = named.find(([name]) => !side.test(name)) ?? named[0];
    prompts = main ? [main[1]] : [];
  }
  if (prompts.length === 0 && /instructions?/i.test(text)) {
    const plain = /```[ \t]*\n([\s\S]*?)\n?```/.exec(text);
    if (plain?.[1]) {
      prompts = [plain[1]];
      fence = 'plain';
    }
  }
  prompts = prompts.map((p) => p.trim()).filter((p) => p.length > 0);
  if (prompts.length === 0) return undefined;

  let rest = text;
  for (const p of prompts) rest = rest.replace(p, '');
  return { prompts, fence, rest };
}
