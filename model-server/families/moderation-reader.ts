// What the simulated model reads in a community-marketplace post, and which policy labels it writes
// back given the rules it applies. Shared by the answerer and the generator, so the truth (every
// hidden rule applied) is defined in exactly one place.
import type { Fields } from './types.js';

/** The platform's policy labels, in the order an answer lists them (`none` when no label applies). */
export const policyLabels = [
  'spam',
  'scam',
  'harassment',
  'hate',
  'violence',
  'selfharm',
  'drugs',
  'weapons',
  'privacy',
  'counterfeit',
] as const;
export type PolicyLabel = (typeof policyLabels)[number];

/** Keyword tagging: what a model told only "label the policy violations" does. */
const keywords: Record<PolicyLabel, RegExp> = {
  spam: /click here|promo code|follow my page|free followers|limited offer/,
  scam: /\bscam\b|\bfraud\b/,
  harassment: /\bidiot|\bloser|\bpathetic\b|\bclown\b/,
  hate: /\[slur\]|\bvermin\b/,
  violence: /\bkill(?! myself)|\bshoot\b|\bbeat (?:you|him|her|them) up|\bstab\b|\bdestroy (?:you|him|her|them)\b/,
  selfharm: /\bsuicid|kill myself|cut myself|end my life/,
  drugs: /\bweed\b|\bcocaine\b|\bmolly\b|\bpills\b|\bedibles\b/,
  weapons: /\bguns?\b|\bknife\b|\bknives\b|\brifle\b|\bammo\b|\bpistol\b/,
  privacy: /phone number|home address|lives at/,
  counterfeit: /\bfake\b|knock-?offs?\b|\bcounterfeit/,
};

export const phonePattern = /\b\d{3}-\d{3}-\d{4}\b/g;
const linkPattern = /\b[a-z0-9-]+\.(?:io|ly|shop|com|net)\/[\w-]+/g;

/** The situations the hidden rules (and decoys) are about. */
export interface PostFeatures {
  tagged: Set<PolicyLabel>;
  gameContext: boolean;
  quotedAbuse: boolean;
  kitchenKnife: boolean;
  cbd: boolean;
  prescriptionSale: boolean;
  giftCardPay: boolean;
  cryptoDoubling: boolean;
  repeatedLink: boolean;
  offPlatform: boolean;
  otherNumber: boolean;
  ownContact: boolean;
  replica: boolean;
  fakeEngagement: boolean;
  veiledThreat: boolean;
  selfharmHint: boolean;
  recoveryStory: boolean;
  /** Decoy bait. */
  hasLink: boolean;
  hasNumber: boolean;
  profanity: boolean;
}

export function readPost(text: string): PostFeatures {
  const t = text.toLowerCase();
  const tagged = new Set(policyLabels.filter((l) => keywords[l].test(t)));
  const links = [...t.matchAll(linkPattern)].map((m) => m[0]);
  const repeats = Math.max(0, ...links.map((l) => links.filter((x) => x === l).length));
  const numbers = [...t.matchAll(phonePattern)].length;
  return {
    tagged,
    gameContext: /\bin the game\b|\bboss fight\b|\braid boss\b|\bnext match\b|\bmy character\b|\bpvp\b/.test(t),
    quotedAbuse: /someone (?:messaged|called) (?:me|my)|a user (?:called|told) (?:me|my)|got a message calling me/.test(
      t,
    ),
    kitchenKnife: /kitchen|chef's knife|bread knife|paring knife/.test(t),
    cbd: /\bcbd\b|\bhemp\b/.test(t),
    prescriptionSale: /\b(?:adderall|xanax|oxycodone|percocet)\b/.test(t) && /spare|for sale|selling|going for/.test(t),
    giftCardPay: /gift cards?|wire transfer|western union/.test(t),
    cryptoDoubling: /\b(?:btc|bitcoin|eth|crypto)\b/.test(t) && /\bdouble\b|twice as much|\b2x\b/.test(t),
    repeatedLink: repeats >= 3,
    offPlatform: /\bon (?:telegram|whatsapp|signal)\b/.test(t),
    otherNumber: numbers > 0 && /\b(?:his|her|their) (?:cell|number|phone)\b/.test(t),
    ownContact: numbers > 0 && /\bmy (?:phone number|cell|number) is\b|\bcall me at\b|\btext me at\b/.test(t),
    replica: /\breplicas?\b|\b1:1\b|\baaa quality\b|\bmirror quality\b/.test(t),
    fakeEngagement: /fake (?:reviews|followers|likes|ratings)/.test(t),
    veiledThreat: /i know where you live|watch your back|you will regret|see you outside/.test(t),
    selfharmHint:
      /giving away (?:all )?my (?:things|stuff)|(?:don't|do not) want to be here anymore|this is goodbye/.test(t),
    recoveryStory: /(?:years?|months?) clean\b|in recovery\b|used to cut myself/.test(t),
    hasLink: links.length > 0,
    hasNumber: numbers > 0,
    profanity: /\bdamn\b|\bcrap\b|\bhell\b/.test(t),
  };
}

/**
 * The labels as a model writes them, given which rules (hidden rule or decoy ids) it applies:
 * keyword tags, then each situational rule's correction, then the two precedence rules. With every
 * hidden rule and no decoy this is the truth.
 */
export function writeLabels(f: PostFeatures, applied: ReadonlySet<string>): PolicyLabel[] {
  const labels = new Set(f.tagged);
  const on = (id: string, situation: boolean): boolean => situation && applied.has(id);
  if (on('game-violence', f.gameContext)) labels.delete('violence');
  if (on('quoted-abuse', f.quotedAbuse)) {
    labels.delete('harassment');
    labels.delete('hate');
  }
  if (on('kitchen-knives', f.kitchenKnife)) labels.delete('weapons');
  if (on('legal-cbd', f.cbd)) labels.delete('drugs');
  if (on('prescription-drugs', f.prescriptionSale)) labels.add('drugs');
  if (on('gift-card-payment', f.giftCardPay)) labels.add('scam');
  if (on('crypto-doubling', f.cryptoDoubling)) labels.add('scam');
  if (on('repeated-link', f.repeatedLink)) labels.add('spam');
  if (on('off-platform', f.offPlatform)) labels.add('spam');
  if (on('other-person-number', f.otherNumber)) labels.add('privacy');
  if (on('own-contact', f.ownContact && !f.otherNumber)) labels.delete('privacy');
  if (on('replicas', f.replica)) labels.add('counterfeit');
  if (on('fake-engagement', f.fakeEngagement)) {
    labels.delete('counterfeit');
    labels.add('spam');
  }
  if (on('veiled-threat', f.veiledThreat)) labels.add('violence');
  if (on('selfharm-hints', f.selfharmHint)) labels.add('selfharm');
  if (on('recovery-story', f.recoveryStory)) labels.delete('selfharm');
  // Precedence: the graver label subsumes the lesser one.
  if (applied.has('threat-over-insult') && labels.has('violence')) labels.delete('harassment');
  if (applied.has('scam-over-spam') && labels.has('scam')) labels.delete('spam');
  // Decoys.
  if (applied.has('decoy-links-spam') && f.hasLink) labels.add('spam');
  if (applied.has('decoy-numbers-private') && f.hasNumber) labels.add('privacy');
  if (applied.has('decoy-swearing') && f.profanity) labels.add('harassment');
  const ordered = policyLabels.filter((l) => labels.has(l));
  if (applied.has('decoy-one-label') && ordered.length > 1) return [severest(ordered)];
  return ordered;
}

const severity: readonly PolicyLabel[] = [
  'selfharm',
  'violence',
  'hate',
  'weapons',
  'drugs',
  'scam',
  'privacy',
  'harassment',
  'counterfeit',
  'spam',
];
const severest = (labels: readonly PolicyLabel[]): PolicyLabel =>
  severity.find((l) => labels.includes(l)) ?? labels[0]!;

export const labelText = (labels: readonly string[]): string => (labels.length > 0 ? labels.join(', ') : 'none');

/** The field that holds the post: one named like a post/comment/listing, else the longest value. */
export function postText(inputs: Fields): string {
  const named = Object.entries(inputs).find(([k]) => postField.test(k));
  if (named) return named[1];
  return Object.values(inputs).reduce((a, b) => (b.length > a.length ? b : a), '');
}

const postField = /^(?:post|comment|listing|caption)s?$|^(?:post|comment|listing)_|_(?:post|comment|listing)$/i;

/** A field named like a post, or a text showing at least two of the situations moderation is about. */
export function looksLikePost(inputs: Fields): boolean {
  if (Object.keys(inputs).some((k) => postField.test(k))) return true;
  const f = readPost(postText(inputs));
  const situations = [
    f.gameContext,
    f.quotedAbuse,
    f.kitchenKnife,
    f.cbd,
    f.prescriptionSale,
    f.giftCardPay,
    f.cryptoDoubling,
    f.repeatedLink,
    f.offPlatform,
    f.otherNumber,
    f.ownContact,
    f.replica,
    f.fakeEngagement,
    f.veiledThreat,
    f.selfharmHint,
    f.recoveryStory,
  ].filter(Boolean).length;
  return f.tagged.size + situations >= 2;
}
