// The meta behaviour: write a new prompt from the given one(s). Only evidence in the request counts:
// rules that the shown examples illustrate (their expected output agrees with the rule) are written
// down under `## Rules` (with a capability-dependent probability) and hedged scores get anchor
// statements. Without examples the model knows nothing of the task's hidden rules: it only makes
// generic edits (paraphrase, drop a rule, a helpful generic line, occasionally a wrong rule), so
// not every child is better. Nothing here depends on which client sent the request.
import { detectFamily } from '../families/index.js';
import type { Family } from '../families/types.js';
import type { Rng } from '../base/prng.js';
import type { Capability } from '../families/capability.js';
import { conveys } from '../families/cues.js';
import type { MetaExample } from './meta-examples.js';
import {
  combineSections,
  containsLine,
  isBullet,
  parseSections,
  renderSections,
  rulesSection,
} from './prompt-sections.js';
import type { Section } from './prompt-sections.js';

const helpfulLines = [
  'Read the whole input before deciding.',
  'Base the answer only on what the input says.',
  'Answer with exactly the requested fields.',
  'Check the answer against the rules before replying.',
];
const unhelpfulLines = ['When unsure, pick the most common answer.', 'Keep the answer short; details rarely matter.'];
const paraphrases: [RegExp, string][] = [
  [/\bRoute\b/, 'Assign'],
  [/\beach\b/, 'every'],
  [/\bcarefully\b/, 'thoroughly'],
  [/\bdecide\b/, 'determine'],
  [/\bYou are\b/, 'Act as'],
  [/\bchoose\b/, 'pick'],
  [/\bGive\b/, 'Provide'],
];

export interface RewriteResult {
  prompt: string;
  notes: string[];
}

/** The task is known only from the examples the request shows, never from the prompt's wording. */
function familyFor(examples: readonly MetaExample[]): Family | undefined {
  for (const e of examples) {
    const f = detectFamily(e.inputs);
    if (f) return f;
  }
  return undefined;
}

function addRule(sections: Section[], statement: string, notes: string[], why: string): void {
  if (containsLine(sections, statement)) return;
  rulesSection(sections).lines.push(`- ${statement}`);
  notes.push(`${why}: ${statement}`);
}

export function rewritePrompt(
  prompts: readonly string[],
  examples: readonly MetaExample[],
  cap: Capability,
  rng: Rng,
): RewriteResult {
  const parents = prompts.map(parseSections);
  const sections = parents.length > 1 ? combineSections(parents, rng) : (parents[0] ?? []);
  const notes: string[] = parents.length > 1 ? [`combined ${parents.length} prompts`] : [];
  const family = familyFor(examples);
  const text = (): string => renderSections(sections);

  if (family) {
    const hidden = family.rules.filter((r) => r.kind === 'hidden');
    for (const example of examples) {
      for (const id of family.rulesShownBy(example.inputs, example.expected)) {
        const rule = hidden.find((r) => r.id === id);
        if (rule && !conveys(text(), rule.cues) && rng.chance(cap.metaRuleUptake)) {
          addRule(sections, rng.pick(rule.statements), notes, `rule shown by an example (${id})`);
        }
      }
      for (const anchor of family.anchorsFor?.(example.expected, example.got) ?? []) {
        if (rng.chance(cap.metaRuleUptake)) addRule(sections, anchor, notes, 'anchor for a hedged score');
      }
    }
    const decoys = family.rules.filter((r) => r.kind === 'decoy');
    if (decoys.length > 0 && rng.chance(cap.metaDecoyRate)) {
      addRule(sections, rng.pick(rng.pick(decoys).statements), notes, 'unhelpful rule');
    }
  } else if (rng.chance(cap.metaDecoyRate)) {
    addRule(sections, rng.pick(unhelpfulLines), notes, 'unhelpful rule');
  }

  genericEdits(sections, rng, notes);
  return { prompt: text(), notes };
}

function genericEdits(sections: Section[], rng: Rng, notes: string[]): void {
  const prose = sections
    .flatMap((s) => s.lines.map((line, i) => ({ s, i, line })))
    .filter((x) => !isBullet(x.line) && x.line.trim());
  if (prose.length > 0 && rng.chance(0.3)) {
    const target = rng.pick(prose);
    const swap = paraphrases.find(([pattern]) => pattern.test(target.line));
    if (swap) {
      target.s.lines[target.i] = target.line.replace(swap[0], swap[1]);
      notes.push('paraphrased a line');
    }
  }
  const rules = sections.find((s) => s.header?.toLowerCase() === 'rules');
  if (rules && rules.lines.filter(isBullet).length >= 2 && rng.chance(0.08)) {
    const bullets = rules.lines.filter(isBullet);
    const dropped = rng.pick(bullets);
    rules.lines = rules.lines.filter((l) => l !== dropped);
    notes.push(`dropped a rule: ${dropped}`);
  }
  if (rng.chance(0.25)) {
    const line = rng.pick(helpfulLines);
    const home = sections.find((s) => s.header?.toLowerCase() === 'task') ?? sections[0];
    if (home && !containsLine(sections, line)) {
      home.lines.push(line);
      notes.push('added a helpful line');
    } else if (!home) {
      sections.push({ header: null, lines: [line] });
    }
  }
}
