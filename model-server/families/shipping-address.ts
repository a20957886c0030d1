// Family `shipping-address`: extract the address an order should be shipped to from a customer's
// message, in the form the warehouse system expects; scored by token F1. A model's plain extraction
// makes systematic mistakes (the old address mentioned first, the recipient's name, abbreviations,
// the state spelled out, a country, a unit or ZIP code given in another sentence left out); eight
// hidden rules correct them when the prompt states them or demos show them. Four decoys look
// plausible and cost F1.
import type { Rng } from '../base/prng.js';
import type { Fields } from './types.js';
import { countIllustrations, ruleApplies } from './rule-uptake.js';
import { generateAddressMessage } from './address-generator.js';
import {
  type AddressMessage,
  looksLikeAddressMessage,
  messageText,
  readAddressMessage,
  tokenF1,
  tokens,
  writeAddress,
} from './address-reader.js';
import type { Family, FamilyAnswer, RuleDef, TaskContext } from './types.js';

interface AddressRule extends RuleDef {
  /** Probability a model applies it unaided, by size. */
  inferred: { small: number; large: number };
}

const spellOut =
  'spell(ed)? out|expand|write (them )?out|written out|in full|full words?|never abbreviate|not abbreviate|no abbreviations';
const omit =
  'leave out|leave off|omit|without|drop|exclude|remove|not include|never include|do not add|don.t add|only the (street )?address';
const keep = 'include|keep|add|always|even|never drop|not drop|separate|later|elsewhere';

export const addressRules: readonly AddressRule[] = [
  {
    id: 'new-address',
    kind: 'hidden',
    inferred: { small: 0.1, large: 0.6 },
    statements: [
      'When the message mentions more than one address, extract the new one the order should go to, not the old one.',
      'If the customer has moved, use the new address and never the previous one.',
    ],
    cues: {
      groups: [
        '\\bnew\\b|current|latest|most recent|updated',
        'address',
        'old|previous|former|earlier|moved|more than one|two addresses',
      ],
    },
  },
  {
    id: 'recipient-name',
    kind: 'hidden',
    inferred: { small: 0, large: 0.2 },
    statements: [
      "Leave out the recipient's name; the answer holds only the address.",
      'Do not include the name of the person the parcel is for.',
    ],
    cues: { groups: ['name|recipient|addressee|person', omit] },
  },
  {
    id: 'street-abbreviations',
    kind: 'hidden',
    inferred: { small: 0, large: 0 },
    statements: [
      'Spell out street types and unit words in full (St → Street, Ave → Avenue, Apt → Apartment).',
      'Expand abbreviations such as St, Rd, Blvd and Apt into full words like Street, Road, Boulevard and Apartment.',
    ],
    cues: { groups: [spellOut, 'street|avenue|road|boulevard|apartment|suite|\\bst\\b|\\bave\\b|\\bapt\\b|\\brd\\b'] },
  },
  {
    id: 'compass-directions',
    kind: 'hidden',
    inferred: { small: 0, large: 0 },
    statements: [
      'Spell out compass directions (N → North, SW → Southwest).',
      'Write directions such as N, E or SW in full: North, East, Southwest.',
    ],
    cues: { groups: ['north|south|east|west|compass|direction', spellOut] },
  },
  {
    id: 'state-code',
    kind: 'hidden',
    inferred: { small: 0, large: 0 },
    statements: [
      'Write the state as its two-letter postal code (Illinois → IL, New York → NY).',
      'Always abbreviate the state to its two-letter code.',
    ],
    cues: {
      groups: ['\\bstates?\\b', 'two-letter|2-letter|postal code|abbreviat|\\bcode\\b'],
      excludes: 'full (state )?name|spell(ed)? out|in full',
    },
  },
  {
    id: 'no-country',
    kind: 'hidden',
    inferred: { small: 0, large: 0 },
    statements: [
      'Leave out the country; every order ships within the United States.',
      'Do not add USA or any other country at the end.',
    ],
    cues: { groups: ['country|\\busa\\b|united states', omit] },
  },
  {
    id: 'separate-unit',
    kind: 'hidden',
    inferred: { small: 0, large: 0 },
    statements: [
      'Always include the apartment, suite or unit number, even when the customer mentions it separately.',
      'If the unit or apartment number comes later in the message, add it to the address.',
    ],
    cues: { groups: ['apartment|\\bunit\\b|suite|\\bapt\\b', keep] },
  },
  {
    id: 'separate-zip',
    kind: 'hidden',
    inferred: { small: 0, large: 0 },
    statements: [
      'Always include the ZIP code, even when it is given separately from the street.',
      'If the ZIP code appears later in the message, add it to the end of the address.',
    ],
    cues: { groups: ['\\bzip\\b|postcode', keep] },
  },
  {
    id: 'decoy-name-first',
    kind: 'decoy',
    inferred: { small: 0, large: 0 },
    statements: ["Put the recipient's name first so the courier knows who the parcel is for."],
    cues: {
      groups: ['\\bname\\b', 'recipient|addressee|who', 'first|start|put|add'],
      excludes: omit + '|\\bnot\\b|never',
    },
  },
  {
    id: 'decoy-abbreviate',
    kind: 'decoy',
    inferred: { small: 0, large: 0 },
    statements: ['Use standard postal abbreviations for street types (Street → St, Avenue → Ave).'],
    cues: {
      groups: ['abbreviat|shorten|short form', 'street|avenue|road|\\bst\\b|\\bave\\b'],
      excludes: spellOut + '|\\bstates?\\b',
    },
  },
  {
    id: 'decoy-add-country',
    kind: 'decoy',
    inferred: { small: 0, large: 0 },
    statements: ['Always end the address with the country, USA.'],
    cues: {
      groups: ['country|\\busa\\b|united states', 'always|\\badd\\b|\\bend\\b|include|append'],
      excludes: omit + '|\\bnot\\b|never|\\bno\\b',
    },
  },
  {
    id: 'decoy-copy-verbatim',
    kind: 'decoy',
    inferred: { small: 0, large: 0 },
    statements: ['Copy the address exactly as the customer wrote it.'],
    cues: { groups: ['exactly|verbatim|as written|word for word|as the customer wrote|unchanged', 'address|copy'] },
  },
];

const hiddenIds = addressRules.filter((r) => r.kind === 'hidden').map((r) => r.id);

/** The true answer: every hidden rule applied, no decoy. */
export function trueAddress(m: AddressMessage): string {
  return writeAddress(m, new Set(hiddenIds));
}

/** The answer with every hidden rule but one applied: the mistake that rule corrects. */
function withoutRule(m: AddressMessage, id: string): string {
  return writeAddress(m, new Set(hiddenIds.filter((h) => h !== id)));
}

/** Hidden rules that decide something on this message (leaving one out changes the answer's words). */
export function rulesThatFire(m: AddressMessage): string[] {
  const truth = tokens(trueAddress(m)).join(' ');
  return hiddenIds.filter((id) => tokens(withoutRule(m, id)).join(' ') !== truth);
}

/** The output's answer text: the first non-reasoning field, preferring one named like an address. */
function answerText(outputs: Fields): string {
  const entries = Object.entries(outputs).filter(([k]) => !/reason|rationale|explanation|thought/i.test(k));
  return (entries.find(([k]) => /address|answer|output|result/i.test(k)) ?? entries[0])?.[1] ?? '';
}

/** A rule is shown when it decides this example and the output is closer to the truth than to the rule's mistake. */
function rulesShownBy(inputs: Fields, outputs: Fields): string[] {
  const m = readAddressMessage(messageText(inputs));
  const shown = answerText(outputs);
  if (!m.target || !shown.trim()) return [];
  const truthF1 = tokenF1(shown, trueAddress(m));
  return rulesThatFire(m).filter((id) => truthF1 > tokenF1(shown, withoutRule(m, id)));
}

function answer(context: TaskContext): FamilyAnswer {
  const m = readAddressMessage(messageText(context.inputs));
  const cap = context.capability;
  if (!m.target) {
    return { kind: 'text', text: 'No address found', rationale: 'The message gives no street address.' };
  }
  const illustrated = countIllustrations(context, rulesShownBy);
  const applied = new Set<string>();
  for (const rule of addressRules) {
    const inferred = rule.kind === 'hidden' ? rule.inferred[cap.size] : 0;
    if (ruleApplies(rule, context, illustrated.get(rule.id) ?? 0, inferred)) applied.add(rule.id);
  }
  let text = writeAddress(m, applied);
  const noise = (cap.noise + context.temperatureNoise) * (context.reasoning ? 0.6 : 1);
  if (context.uniform('noise') < noise) {
    // A careless slip: one part of the address (not the street line) goes missing.
    const parts = text.split(', ');
    if (parts.length > 2) {
      parts.splice(1 + Math.floor(context.uniform('noise-pick') * (parts.length - 1)), 1);
      text = parts.join(', ');
    }
  }
  const which = m.old && applied.has('new-address') ? 'the new address' : 'the address';
  return { kind: 'text', text, rationale: `Took ${which} the customer gave for the order.` };
}

export const shippingAddress: Family = {
  name: 'shipping-address',
  answerKind: 'text',
  answerField: 'address',
  rules: addressRules,
  detect: looksLikeAddressMessage,
  answer,
  rulesShownBy,
  generate: (rng: Rng) => {
    const message = generateAddressMessage(rng);
    return { inputs: { message }, expected: { address: trueAddress(readAddressMessage(message)) } };
  },
};
