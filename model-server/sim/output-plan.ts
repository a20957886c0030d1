// Which format and field names a reply uses, decided from the request the way a model would read
// it: an explicit json_schema wins, then DSPy markers, then what the prompt says about the output
// (JSON? which field names?), then the demos' answers, then the family's own field names.
import type { Family } from '../families/types.js';
import type { RequestView } from './request-view.js';

export interface JsonSchemaProperty {
  type?: string | string[];
  enum?: unknown[];
}

export interface OutputPlan {
  mode: 'json_schema' | 'json' | 'dspy' | 'lines';
  fields: string[];
  properties: Record<string, JsonSchemaProperty>;
  /** The prompt or request says anything at all about the output's shape. */
  guided: boolean;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown> } }
  | null
  | undefined;

const identifier = /^[A-Za-z_][A-Za-z0-9_]{0,40}$/;
export const reasoningField = /reason|rationale|explanation|thought|justification|analysis/i;

export function asksForReasoning(instruction: string): boolean {
  return /step by step|\breasoning\b|think (first|before)|explain your/i.test(instruction);
}

/** Field names quoted (`"x"` or `x` in backticks) in the prompt's output-format text. */
function fieldsNamedInPrompt(instruction: string, family: Family | undefined): string[] {
  const section = /##\s*Output format\s*\n([\s\S]*?)(?:\n##\s|$)/i.exec(instruction)?.[1];
  const text =
    section ??
    instruction
      .split('\n')
      .filter((l) => /\b(output|respond|return|answer with|fields?)\b/i.test(l))
      .join('\n');
  const labels = new Set((family?.labels ?? []).map((l) => l.toLowerCase()));
  const names = [...text.matchAll(/"([^"\n]+)"|`([^`\n]+)`/g)]
    .map((m) => m[1] ?? m[2] ?? '')
    .filter((n) => identifier.test(n) && !labels.has(n.toLowerCase()) && !/^(json|true|false|null)$/i.test(n));
  return [...new Set(names)];
}

function schemaProperties(format: ResponseFormat): Record<string, JsonSchemaProperty> {
  if (format?.type !== 'json_schema') return {};
  const props = format.json_schema.schema?.properties;
  return props && typeof props === 'object' ? (props as Record<string, JsonSchemaProperty>) : {};
}

export function planOutput(view: RequestView, format: ResponseFormat, family: Family | undefined): OutputPlan {
  const properties = schemaProperties(format);
  const promptFields = fieldsNamedInPrompt(view.instruction, family);
  const demoJson = view.demos.find((d) => d.outputText.trim().startsWith('{'));
  const mentionsJson = /\bjson\b/i.test(view.instruction) || /\bjson\b/i.test(view.lastUserText);
  const guided =
    mentionsJson ||
    promptFields.length > 0 ||
    view.demos.length > 0 ||
    /output format|respond with|answer with|reply with|format/i.test(view.instruction);

  let fields: string[];
  if (format?.type === 'json_schema' && Object.keys(properties).length > 0) fields = Object.keys(properties);
  else if (view.dspyOutputFields.length > 0) fields = view.dspyOutputFields;
  else if (promptFields.length > 0) fields = promptFields;
  else if (demoJson) fields = Object.keys(demoJson.outputs);
  else {
    fields = [family?.answerField ?? 'answer'];
    if (asksForReasoning(view.instruction)) fields.unshift('reasoning');
  }

  let mode: OutputPlan['mode'] = 'lines';
  if (format?.type === 'json_schema') mode = 'json_schema';
  else if (format?.type === 'json_object') mode = 'json';
  else if (view.dspyOutputMarkers) mode = 'dspy';
  else if (mentionsJson || demoJson) mode = 'json';
  return { mode, fields, properties, guided: guided || mode !== 'lines' };
}
