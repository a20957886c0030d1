// Turning an answer (a label or score plus a rationale) into reply text in the planned format,
// mapping it onto the requested field names and, for json_schema, onto the property types.
import type { Rng } from '../base/prng.js';
import { type JsonSchemaProperty, type OutputPlan, reasoningField } from './output-plan.js';

export interface ReplyContent {
  /** The family's answer (label, score or extracted text), or free text for unrecognised tasks. */
  value: string | number;
  rationale: string;
}

const answerName =
  /label|category|class|team|answer|score|rating|result|prediction|output|instruction|prompt|address|extract|text|value/i;

function typeOf(prop: JsonSchemaProperty | undefined): string | undefined {
  const t = prop?.type;
  return Array.isArray(t) ? t.find((x) => x !== 'null') : t;
}

/** The field that carries the answer: the best-named, type-compatible, non-reasoning field. */
function answerSlot(plan: OutputPlan, value: string | number): string | undefined {
  const candidates = plan.fields.filter((f) => !reasoningField.test(f));
  const numeric = (f: string): boolean => ['number', 'integer'].includes(typeOf(plan.properties[f]) ?? '');
  const fits = (f: string): boolean =>
    typeof value === 'number' ? numeric(f) || typeOf(plan.properties[f]) === undefined : !numeric(f);
  return (
    candidates.find((f) => fits(f) && plan.properties[f]?.enum !== undefined) ??
    candidates.find((f) => fits(f) && answerName.test(f)) ??
    candidates.find(fits) ??
    candidates[0] ??
    plan.fields[0]
  );
}

function toEnum(value: string | number, options: unknown[]): unknown {
  const v = String(value).toLowerCase();
  return (
    options.find((o) => String(o).toLowerCase() === v) ??
    options.find((o) => String(o).toLowerCase().includes(v) || v.includes(String(o).toLowerCase())) ??
    options[0]
  );
}

function coerce(value: string | number, prop: JsonSchemaProperty | undefined): unknown {
  if (prop?.enum) return toEnum(value, prop.enum);
  const type = typeOf(prop);
  if (type === 'integer') return typeof value === 'number' ? Math.round(value) : 1;
  if (type === 'number') return typeof value === 'number' ? value : 1;
  if (type === 'boolean') return true;
  if (type === 'array') return [String(value)];
  if (type === 'object') return {};
  return typeof value === 'number' ? value : String(value);
}

export function assignValues(plan: OutputPlan, content: ReplyContent, slotOverride?: string): Record<string, unknown> {
  const slot = slotOverride ?? answerSlot(plan, content.value);
  const values: Record<string, unknown> = {};
  for (const field of plan.fields) {
    const prop = plan.properties[field];
    if (field === slot) values[field] = coerce(content.value, prop);
    else if (reasoningField.test(field)) values[field] = coerce(content.rationale, prop ?? { type: 'string' });
    else values[field] = coerce(typeOf(prop) === 'string' || !prop ? 'n/a' : 0, prop);
  }
  return values;
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function renderReply(
  plan: OutputPlan,
  content: ReplyContent,
  fencesJson = false,
  slotOverride?: string,
): string {
  const values = assignValues(plan, content, slotOverride);
  switch (plan.mode) {
    case 'json_schema':
      return JSON.stringify(values);
    case 'json': {
      const json = JSON.stringify(values);
      return fencesJson ? `\`\`\`json\n${json}\n\`\`\`` : json;
    }
    case 'dspy':
      return `${plan.fields.map((f) => `[[ ## ${f} ## ]]\n${asText(values[f])}`).join('\n\n')}\n\n[[ ## completed ## ]]`;
    case 'lines':
      return plan.fields.map((f) => `${f}: ${asText(values[f])}`).join('\n');
  }
}

/** What a weak model says when nothing told it how to answer: readable, but not parseable. */
export function renderProse(content: ReplyContent, rng: Rng): string {
  const opener = rng.pick(['I think', 'It looks like', 'My best guess is that']);
  return `${opener} the answer would be ${String(content.value)}. ${content.rationale}`;
}
