// Splits a chat request into what the simulator reasons about: the instruction (system text), the
// demos (prior user → assistant turns), the inputs of the last user message, and any output
// fields the request names explicitly (DSPy markers).
import type { PlainMessage } from '../base/chat-request.js';
import type { Fields } from '../families/types.js';
import { parseInputFields, parseOutputFields } from './field-text.js';

export interface Demo {
  inputs: Fields;
  outputs: Fields;
  outputText: string;
}

export interface RequestView {
  /** System and developer text, plus any leading user text that no assistant answered. */
  instruction: string;
  demos: Demo[];
  inputs: Fields;
  inputLayout: 'dspy' | 'json' | 'lines' | 'free';
  lastUserText: string;
  /** Output fields DSPy names: by `[[ ## name ## ]]` markers, or listed under "Your output fields are:". */
  dspyOutputFields: string[];
  /** The request shows those output fields as `[[ ## name ## ]]` blocks (ChatAdapter), not as a JSON object (JSONAdapter). */
  dspyOutputMarkers: boolean;
  /** Every message's text, for whole-request searches. */
  allText: string;
}

// DSPy's closing paragraph: ChatAdapter asks for marker blocks, JSONAdapter for a JSON object.
const respondWith = /Respond with (?:the corresponding output fields|a JSON object)[\s\S]*$/;
const inlineMarker = /\[\[ ## ([\w.-]+) ## \]\]/g;

function markersIn(text: string): string[] {
  return [...text.matchAll(inlineMarker)].map((m) => m[1] ?? '').filter((name) => name && name !== 'completed');
}

/** DSPy states output fields in the system message as "Your output fields are: 1. `name` ...". */
function dspySystemOutputFields(instruction: string): string[] {
  const block = /Your output fields are:\s*\n([\s\S]*?)(?:\n\s*\n|All interactions will be structured)/.exec(
    instruction,
  );
  if (!block?.[1]) return [];
  return [...block[1].matchAll(/^\s*\d+\.\s+`([\w.-]+)`/gm)].map((m) => m[1] ?? '').filter(Boolean);
}

export function buildRequestView(messages: readonly PlainMessage[]): RequestView {
  let lastUser = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') {
      lastUser = i;
      break;
    }
  }
  const before = lastUser >= 0 ? messages.slice(0, lastUser) : messages.slice(0, -1);
  const last = lastUser >= 0 ? messages[lastUser] : messages[messages.length - 1];
  const lastUserText = last?.text ?? '';

  const instructionParts: string[] = [];
  const demos: Demo[] = [];
  for (let i = 0; i < before.length; i++) {
    const m = before[i];
    if (!m) continue;
    const next = before[i + 1];
    if (m.role === 'user' && next?.role === 'assistant') {
      demos.push({
        inputs: parseInputFields(m.text).fields,
        outputs: parseOutputFields(next.text),
        outputText: next.text,
      });
      i++;
    } else if (m.role !== 'assistant') {
      instructionParts.push(m.text);
    }
  }
  const instruction = instructionParts.join('\n\n');

  // DSPy appends "Respond with the corresponding output fields, starting with ..." after the inputs.
  const tail = respondWith.exec(lastUserText)?.[0] ?? '';
  const inputText = tail ? lastUserText.slice(0, lastUserText.length - tail.length) : lastUserText;
  const parsed = parseInputFields(inputText);
  let dspyOutputFields = markersIn(tail);
  let dspyOutputMarkers = dspyOutputFields.length > 0;
  if (dspyOutputFields.length === 0 && parsed.layout === 'dspy') {
    dspyOutputFields = dspySystemOutputFields(instruction);
    const shown = new Set(markersIn(instruction));
    dspyOutputMarkers = dspyOutputFields.some((name) => shown.has(name));
  }

  return {
    instruction,
    demos,
    inputs: parsed.fields,
    inputLayout: parsed.layout,
    lastUserText,
    dspyOutputFields,
    dspyOutputMarkers,
    allText: messages.map((m) => m.text).join('\n\n'),
  };
}
