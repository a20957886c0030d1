// Family `content-moderation`: label a community-marketplace post with every policy it violates
// (`none` when it violates none), scored by token F1 over the labels. Keyword tagging is right on
// plain posts; eighteen hidden rules of the platform's policy decide the rest: exceptions (games,
// reported abuse, kitchen knives, CBD, a seller's own number, recovery stories), violations without
// the obvious words (gift cards, crypto doubling, repeated links, Telegram, someone else's number,
// replicas, fake reviews, veiled threats, goodbye posts) and two precedence rules (a threat subsumes
// an insult, a scam subsumes spam) that interact with the others. Eight of them are rare. Four
// decoys look plausible and cost F1.
import type { Rng } from '../base/prng.js';
import type { Fields } from './types.js';
import { countIllustrations, ruleApplies } from './rule-uptake.js';
import { tokenF1 } from './address-reader.js';
import { generatePost } from './moderation-generator.js';
import {
  labelText,
  looksLikePost,
  type PolicyLabel,
  policyLabels,
  type PostFeatures,
  postText,
  readPost,
  writeLabels,
} from './moderation-reader.js';
import { moderationRules } from './moderation-rules.js';
import type { Family, FamilyAnswer, TaskContext } from './types.js';

const hiddenIds = moderationRules.filter((r) => r.kind === 'hidden').map((r) => r.id);

/** The true labels: every hidden rule applied, no decoy. */
export function trueLabels(f: PostFeatures): string {
  return labelText(writeLabels(f, new Set(hiddenIds)));
}

/** The labels with every hidden rule but one applied: the mistake that rule corrects. */
function withoutRule(f: PostFeatures, id: string): string {
  return labelText(writeLabels(f, new Set(hiddenIds.filter((h) => h !== id))));
}

/** Hidden rules that decide something on this post (leaving one out changes the labels). */
export function rulesThatFire(f: PostFeatures): string[] {
  const truth = trueLabels(f);
  return hiddenIds.filter((id) => withoutRule(f, id) !== truth);
}

/** The output's answer text: the first non-reasoning field, preferring one named like the violations. */
function answerText(outputs: Fields): string {
  const entries = Object.entries(outputs).filter(([k]) => !/reason|rationale|explanation|thought/i.test(k));
  return (entries.find(([k]) => /label|polic|categor|violation|answer|output/i.test(k)) ?? entries[0])?.[1] ?? '';
}

/** A rule is shown when it decides this post and the output is closer to the truth than to the rule's mistake. */
function rulesShownBy(inputs: Fields, outputs: Fields): string[] {
  const f = readPost(postText(inputs));
  const shown = answerText(outputs);
  if (!shown.trim()) return [];
  const truthF1 = tokenF1(shown, trueLabels(f));
  return rulesThatFire(f).filter((id) => truthF1 > tokenF1(shown, withoutRule(f, id)));
}

function answer(context: TaskContext): FamilyAnswer {
  const f = readPost(postText(context.inputs));
  const cap = context.capability;
  const illustrated = countIllustrations(context, rulesShownBy);
  const applied = new Set<string>();
  for (const rule of moderationRules) {
    const inferred = rule.kind === 'hidden' ? rule.inferred[cap.size] : 0;
    if (ruleApplies(rule, context, illustrated.get(rule.id) ?? 0, inferred)) applied.add(rule.id);
  }
  let labels: PolicyLabel[] = writeLabels(f, applied);
  const noise = (cap.noise + context.temperatureNoise) * (context.reasoning ? 0.6 : 1);
  if (context.uniform('noise') < noise) {
    // A careless slip: one label dropped, or one that does not apply added.
    if (labels.length > 0 && context.uniform('noise-kind') < 0.5) {
      labels = labels.filter((_, i) => i !== Math.floor(context.uniform('noise-pick') * labels.length));
    } else {
      const others = policyLabels.filter((l) => !labels.includes(l));
      const extra = others[Math.floor(context.uniform('noise-pick') * others.length)];
      if (extra) labels = policyLabels.filter((l) => labels.includes(l) || l === extra);
    }
  }
  const rationale =
    labels.length > 0
      ? `The post violates the ${labels.join(' and ')} ${labels.length > 1 ? 'policies' : 'policy'}.`
      : 'The post violates no policy.';
  return { kind: 'text', text: labelText(labels), rationale };
}

export const contentModeration: Family = {
  name: 'content-moderation',
  answerKind: 'text',
  answerField: 'violations',
  rules: moderationRules,
  detect: looksLikePost,
  answer,
  rulesShownBy,
  generate: (rng: Rng) => {
    const post = generatePost(rng);
    return { inputs: { post }, expected: { violations: trueLabels(readPost(post)) } };
  },
};
