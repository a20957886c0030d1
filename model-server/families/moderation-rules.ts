// The content-moderation policy's hidden rules and decoys: how a statement must read to convey each
// (cue groups, all in one sentence) and how a meta model writes it down. What each rule does is in
// moderation-reader.ts `writeLabels`.
import type { RuleDef } from './types.js';

export interface ModerationRule extends RuleDef {
  /** Probability a model applies it unaided, by size. */
  inferred: { small: number; large: number };
}

const not = "\\bnot\\b|\\bnever\\b|isn't|aren't|\\bno\\b";
const hidden = (
  id: string,
  statements: string[],
  groups: string[],
  inferred = { small: 0, large: 0 },
  excludes?: string,
): ModerationRule => ({
  id,
  kind: 'hidden',
  inferred,
  statements,
  cues: excludes ? { groups, excludes } : { groups },
});
const decoy = (id: string, statement: string, groups: string[], excludes?: string): ModerationRule => ({
  id,
  kind: 'decoy',
  inferred: { small: 0, large: 0 },
  statements: [statement],
  cues: excludes ? { groups, excludes } : { groups },
});

export const moderationRules: readonly ModerationRule[] = [
  hidden(
    'game-violence',
    [
      'Violent words about a video game or a match (killing a boss, destroying the other team) are not violence.',
      'Talk of killing or shooting inside a game is not a violence violation.',
    ],
    ['\\bgames?\\b|gaming|\\bmatch\\b|\\bboss\\b|\\braid\\b|\\bpvp\\b', 'violen', not],
    { small: 0, large: 0.4 },
  ),
  hidden(
    'quoted-abuse',
    [
      'A post that reports abuse the poster received is not harassment or hate by the poster.',
      'When someone quotes an insult or slur sent to them in order to report it, do not label it harassment or hate.',
    ],
    ['report|quot|received|sent to them', 'harass|\\bhate\\b', not],
    { small: 0, large: 0.2 },
  ),
  hidden(
    'kitchen-knives',
    ["Kitchen and chef's knives sold for cooking are not weapons.", 'Do not label kitchen knives as weapons.'],
    ['kitchen|chef|cooking|bread knife|cutlery', 'weapon', not],
    { small: 0.1, large: 0.5 },
  ),
  hidden(
    'legal-cbd',
    ['CBD and hemp products are legal and are not drugs.', 'Do not label CBD or hemp edibles as drugs.'],
    ['\\bcbd\\b|\\bhemp\\b', '\\bdrugs?\\b', `${not}|legal|allowed`],
    { small: 0, large: 0.3 },
  ),
  hidden(
    'prescription-drugs',
    [
      'Offering to sell prescription medication such as Adderall or Xanax is drugs, even without drug slang.',
      'Selling spare prescription pills like Oxycodone counts as drugs.',
    ],
    ['prescription|adderall|xanax|oxycodone|medication', 'sell|\\bsale\\b|offer|spare', '\\bdrugs?\\b'],
  ),
  hidden(
    'gift-card-payment',
    [
      'Asking to be paid in gift cards or by wire transfer is a scam.',
      'Sellers who only accept gift cards, wire transfers or Western Union are running a scam.',
    ],
    ['gift ?cards?|wire|western union', '\\bscam'],
  ),
  hidden(
    'crypto-doubling',
    [
      'Promises to send back double the crypto someone sends (send 1 BTC, get 2 back) are a scam.',
      'Any offer to double bitcoin or other crypto is a scam.',
    ],
    ['crypto|bitcoin|\\bbtc\\b|\\beth\\b', 'double|twice|\\b2x\\b', '\\bscam'],
  ),
  hidden(
    'repeated-link',
    [
      'A post that repeats the same link three or more times is spam.',
      'Label it spam when the same link appears again and again in one post.',
    ],
    ['\\blinks?\\b|\\burls?\\b', 'same|repeat|three|again', '\\bspam'],
  ),
  hidden(
    'off-platform',
    [
      'Asking buyers to message them on Telegram, WhatsApp or Signal instead of the site is spam.',
      'Moving a conversation off the platform to Telegram or WhatsApp counts as spam.',
    ],
    [
      'telegram|whatsapp|signal|off the platform|off-platform',
      'message|contact|\\bchat|\\btalk|moving|conversation',
      '\\bspam',
    ],
  ),
  hidden(
    'other-person-number',
    [
      "Posting someone else's phone number is a privacy violation, even if the words phone number never appear.",
      "Sharing another person's cell number is privacy.",
    ],
    ['someone else|another person|other people|\\bhis\\b|\\bher\\b', 'phone|\\bcell\\b|\\bnumber', 'privacy'],
    { small: 0, large: 0 },
    '\\bown\\b|\\bany\\b',
  ),
  hidden(
    'own-contact',
    [
      'A seller sharing their own phone number is not a privacy violation.',
      'Giving your own number so buyers can call is fine and not privacy.',
    ],
    ['\\bown\\b', 'phone|\\bnumber', 'privacy', `${not}|fine|allowed`],
  ),
  hidden(
    'replicas',
    [
      'Replicas of brand-name goods (1:1, AAA quality, mirror quality) are counterfeit.',
      'Label replica designer items as counterfeit even when the word fake is not used.',
    ],
    ['replica|1:1|aaa quality|mirror quality', 'counterfeit'],
  ),
  hidden(
    'fake-engagement',
    [
      'Selling fake reviews or followers is spam, not counterfeit.',
      'Offers of bought reviews, likes or followers count as spam rather than counterfeit.',
    ],
    ['reviews|followers|likes|ratings', '\\bspam'],
  ),
  hidden(
    'veiled-threat',
    [
      "Veiled threats such as 'I know where you live' or 'watch your back' are violence.",
      'Implied threats like you will regret it count as violence even without violent words.',
    ],
    ['know where you live|watch your back|regret|veiled|implied', 'violen'],
  ),
  hidden(
    'selfharm-hints',
    [
      'Hints of suicidal intent (saying goodbye, giving away belongings, not wanting to be here) are selfharm even without the word suicide.',
      'Label posts that say goodbye or give away all their things as selfharm.',
    ],
    ['goodbye|giving away|give away|not wanting to be here|hints', 'selfharm|self-harm|suicid'],
    { small: 0, large: 0 },
    'recover|\\bclean\\b|used to',
  ),
  hidden(
    'recovery-story',
    [
      'Stories about past self-harm told from recovery are not selfharm.',
      'Someone who used to cut themselves and is now clean or in recovery is not a selfharm case.',
    ],
    ['recover|used to|\\bclean\\b|\\bpast\\b', 'self-?harm|cut', not],
    { small: 0, large: 0.3 },
  ),
  hidden(
    'threat-over-insult',
    [
      'When a post both insults and threatens someone, label it violence only, not harassment.',
      'A threat subsumes an insult: give violence and drop harassment.',
    ],
    ['insult|harass', 'threat|violen', 'only|drop|subsume|instead|rather'],
  ),
  hidden(
    'scam-over-spam',
    [
      'A scam that is also spam gets scam only, not spam.',
      'When a post is both a scam and spam, drop spam and keep scam.',
    ],
    ['\\bscam', '\\bspam', 'only|drop|instead|rather'],
  ),
  decoy(
    'decoy-links-spam',
    'Any post with a link is spam.',
    ['\\blinks?\\b|\\burls?\\b', '\\bspam'],
    'same|repeat|three|again',
  ),
  decoy(
    'decoy-numbers-private',
    'Any phone number in a post is a privacy violation.',
    ['phone|\\bnumber', 'privacy|private'],
    '\\bown\\b|someone else|another person|\\bhis\\b|\\bher\\b|\\bnot\\b',
  ),
  decoy('decoy-swearing', 'Swearing and rude words are harassment.', ['swear|profanity|curs|rude words', 'harass']),
  decoy('decoy-one-label', 'Give only the single most severe label.', [
    'only|single|just',
    'one label|single|most severe|most serious',
  ]),
];
