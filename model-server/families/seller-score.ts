// Family `seller-score`: score a travel seller's conversation 0-10 from a summary. The truth is a
// hidden formula; the model estimates it from the terms it knows (stated, illustrated or inferred)
// and then hedges toward ~7.7 (score compression) unless anchors, "use the full range" or demos
// with extreme scores push it out. The small model hedges far more than the large one.
import type { Rng } from '../base/prng.js';
import { conveys } from './cues.js';
import type { Fields } from './types.js';
import { countIllustrations, ruleApplies } from './rule-uptake.js';
import { anchors, decoyEffects, scoringRules } from './seller-rules.js';
import {
  clampScore,
  conversationText,
  looksLikeSellerConversation,
  moods,
  readConversation,
  scoreOf,
  scoreTerms,
  trueScore,
} from './seller-reader.js';
import type { Family, FamilyAnswer, TaskContext } from './types.js';

/** Where an unguided model parks its scores. */
const hedgeCenter = 7.7;

const compression = {
  large: { base: 0.35, fullRange: 0.3, low: 0.2, high: 0.15, extremeDemo: 0.12, cap: 0.95, sigma: 0.5 },
  small: { base: 0.1, fullRange: 0.15, low: 0.1, high: 0.08, extremeDemo: 0.06, cap: 0.75, sigma: 1.0 },
};

function rulesShownBy(inputs: Fields, outputs: Fields): string[] {
  const f = readConversation(conversationText(inputs));
  const shown = scoreOf(outputs);
  if (shown === undefined || Math.abs(shown - trueScore(f)) > 1.5) return [];
  const terms = scoreTerms(f);
  return scoringRules.filter((r) => Math.abs(terms[r.term]) >= 1.5).map((r) => r.id);
}

function answer(context: TaskContext): FamilyAnswer {
  const f = readConversation(conversationText(context.inputs));
  const terms = scoreTerms(f);
  const size = context.capability.size;
  const k = compression[size];
  const illustrated = countIllustrations(context, rulesShownBy);

  let estimate = 5;
  for (const rule of scoringRules) {
    const known = ruleApplies(rule, context, illustrated.get(rule.id) ?? 0, rule.inferred[size]);
    // An unknown term is still noticed, but weighed far too lightly.
    estimate += known ? terms[rule.term] : 0.3 * terms[rule.term];
  }
  for (const decoy of decoyEffects) {
    if (conveys(context.instruction, decoy.cues)) estimate += decoy.effect(f);
  }
  const u1 = Math.max(context.uniform('n1'), 1e-9);
  const gaussian = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * context.uniform('n2'));
  const sigma = k.sigma * (context.reasoning ? 0.7 : 1) + 2 * context.temperatureNoise;
  estimate += gaussian * sigma;

  let c = k.base;
  if (conveys(context.instruction, anchors.fullRange)) c += k.fullRange;
  if (conveys(context.instruction, anchors.low)) c += k.low;
  if (conveys(context.instruction, anchors.high)) c += k.high;
  const extremeDemos = context.demos.filter((d) => {
    const s = scoreOf(d.outputs);
    return s !== undefined && (s <= 2 || s >= 9);
  }).length;
  c = Math.min(k.cap, c + k.extremeDemo * Math.min(3, extremeDemos));

  const score = Math.round(clampScore(hedgeCenter * (1 - c) + 5 * c + (estimate - 5) * c) * 10) / 10;
  const reply = f.firstReplyMinutes >= 60 ? `${f.firstReplyMinutes / 60} hours` : `${f.firstReplyMinutes} minutes`;
  const rationale = `The seller first replied after ${reply}; the issue was ${f.resolved ? 'resolved' : 'not resolved'}.`;
  return { kind: 'score', score, rationale };
}

const topics = [
  'a hotel cancellation',
  'a visa question',
  'a flight change',
  'a refund for a tour',
  'an itinerary change',
];
const moodWords = Object.keys(moods);

function generate(rng: Rng): { inputs: Record<string, string>; expected: Record<string, number> } {
  const minutes = rng.pick([rng.int(3, 15), rng.int(20, 60), rng.int(2, 4) * 60, rng.int(5, 10) * 60]);
  const reply = minutes >= 120 ? `${minutes / 60} hours` : `${minutes} minutes`;
  const start = rng.pick(moodWords);
  const end = rng.pick(moodWords);
  const apologised = rng.chance(0.5);
  const resolved = rng.chance(0.6);
  const messages = rng.int(4, 30);
  const conversation = [
    `The customer wrote about ${rng.pick(topics)} and started out ${start}.`,
    `The seller first replied after ${reply}.`,
    apologised ? 'The seller apologised for the trouble.' : 'The seller did not apologise.',
    `By the end the customer was ${end} and the issue was ${resolved ? 'resolved' : 'still unresolved'}.`,
    `${messages} messages were exchanged.`,
  ].join(' ');
  return { inputs: { conversation }, expected: { score: trueScore(readConversation(conversation)) } };
}

export const sellerScore: Family = {
  name: 'seller-score',
  answerKind: 'score',
  answerField: 'score',
  rules: [...scoringRules, ...decoyEffects],
  detect: (inputs) =>
    Object.keys(inputs).some((k) => /conversation|transcript|chat|dialog/i.test(k)) ||
    looksLikeSellerConversation(conversationText(inputs)),
  answer,
  rulesShownBy,
  anchorsFor: (expected, got) => {
    const e = scoreOf(expected);
    const g = got ? scoreOf(got) : undefined;
    if (e === undefined) return [];
    if (e <= 3 && (g === undefined || g - e >= 2)) return [anchors.lowStatement, anchors.fullRangeStatement];
    if (e >= 8.5 && (g === undefined || e - g >= 1.5)) return [anchors.highStatement, anchors.fullRangeStatement];
    return [];
  },
  generate,
};
