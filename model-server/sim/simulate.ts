// The simulated model: reads a chat request generically and writes the reply a model of the given
// size would write. Meta requests get a rewritten prompt; recognised task families get a
// prompt-sensitive answer; anything else gets a generic, well-formed reply in the asked format.
import { randomInt } from 'node:crypto';
import type { PlainMessage } from '../base/chat-request.js';
import { detectFamily } from '../families/index.js';
import { Rng, canonicalJson, seedFrom } from '../base/prng.js';
import { type ModelSize, capabilities } from '../families/capability.js';
import { readMetaExamples } from './meta-examples.js';
import { readMetaRequest } from './meta-request.js';
import { rewritePrompt } from './meta-rewrite.js';
import { type OutputPlan, type ResponseFormat, asksForReasoning, planOutput, reasoningField } from './output-plan.js';
import { buildRequestView, type RequestView } from './request-view.js';
import { type ReplyContent, renderProse, renderReply } from './render-output.js';

export interface SimulationInput {
  messages: readonly PlainMessage[];
  responseFormat: ResponseFormat;
  temperature: number;
  seed: number | undefined;
  choiceIndex: number;
  /** Hash of the canonical request; every wording choice derives from it. */
  requestHash: number;
  size: ModelSize;
}

/**
 * Which sample this choice is. At temperature 0 every choice is the same greedy answer. Above it,
 * a request with a `seed` gets the sample that (seed, choice index) selects, so a retried seeded
 * request is reproducible; without a seed every choice is a fresh random sample, as from a real
 * model.
 */
export function sampleKey(input: Pick<SimulationInput, 'temperature' | 'seed' | 'choiceIndex'>): string {
  if (input.temperature <= 0) return 'greedy';
  if (input.seed !== undefined) return `t:${input.seed}:${input.choiceIndex}`;
  return `fresh:${randomInt(2 ** 47)}:${randomInt(2 ** 47)}`;
}

export function simulateReply(input: SimulationInput): string {
  const view = buildRequestView(input.messages);
  const key = sampleKey(input);
  const rng = new Rng(seedFrom(input.requestHash, key));
  const meta = readMetaRequest(view);
  if (meta) return metaReply(view, input, rng, meta.prompts, meta.rest, meta.fence);

  const family = detectFamily(view.inputs);
  const plan = planOutput(view, input.responseFormat, family);
  const cap = capabilities[input.size];
  const drawBase = `${canonicalJson(view.inputs)}|${input.size}|${key}`;
  const uniform = (k: string): number => seedFrom(drawBase, k) / 4294967296;

  let content: ReplyContent;
  if (family) {
    const answer = family.answer({
      inputs: view.inputs,
      instruction: view.instruction,
      demos: view.demos,
      capability: cap,
      rng,
      uniform,
      temperatureNoise: 0.04 * input.temperature,
      reasoning: asksForReasoning(view.instruction) || plan.fields.some((f) => reasoningField.test(f)),
    });
    const value = answer.kind === 'label' ? answer.label : answer.kind === 'score' ? answer.score : answer.text;
    content = { value, rationale: answer.rationale };
  } else {
    content = genericContent(view, rng);
  }
  if (plan.mode === 'lines' && !plan.guided && uniform('prose') < cap.proseWithoutGuidance) {
    return renderProse(content, rng);
  }
  const fencesJson = plan.mode === 'json' && input.size === 'small' && uniform('fence') < 0.1;
  return renderReply(plan, content, fencesJson);
}

function genericContent(view: RequestView, rng: Rng): ReplyContent {
  const first = Object.values(view.inputs)[0] ?? '';
  const snippet = first.replace(/\s+/g, ' ').slice(0, 60);
  const opener = rng.pick(['Here is my answer', 'My response', 'In short', 'Answer', 'Result', 'Reply']);
  return {
    value: `${opener}: ${snippet || 'no input given'}`,
    rationale: rng.pick(['Read the input once.', 'Based on the input alone.']),
  };
}

function metaReply(
  view: RequestView,
  input: SimulationInput,
  rng: Rng,
  prompts: string[],
  rest: string,
  fence: 'prompt' | 'plain',
): string {
  const cap = capabilities[input.size];
  const result = rewritePrompt(prompts, readMetaExamples(rest), cap, rng);
  const rationale =
    result.notes.length > 0
      ? `Changes: ${result.notes.map((n) => n.replace(/\.$/, '')).join('; ')}.`
      : 'Light rewording only.';
  const plan: OutputPlan = planOutput(view, input.responseFormat, undefined);
  // Named output fields (a schema, or DSPy's, as markers or a JSON object) say where the prompt goes.
  const named = plan.mode === 'json_schema' || plan.mode === 'dspy' || view.dspyOutputFields.length > 0;
  if (named || input.responseFormat?.type === 'json_object') {
    const fields = named ? plan.fields : ['prompt'];
    const slot =
      fields.find((f) => /instruction|prompt/i.test(f)) ?? fields.find((f) => !reasoningField.test(f)) ?? fields[0];
    return renderReply(
      { ...plan, fields, mode: plan.mode === 'lines' ? 'json' : plan.mode },
      { value: result.prompt, rationale },
      false,
      slot,
    );
  }
  const tag = fence === 'prompt' ? 'prompt' : '';
  return `${rationale}\n\n\`\`\`${tag}\n${result.prompt}\n\`\`\``;
}
