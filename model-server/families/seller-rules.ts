// The seller-score rules a prompt can convey: one per term of the hidden formula, two decoys, and
// the anchor statements that counter score compression.
import type { CueSpec } from './cues.js';
import type { RuleDef } from './types.js';
import type { ScoreTerms, SellerFeatures } from './seller-reader.js';

interface ScoringRule extends RuleDef {
  term: keyof ScoreTerms;
  inferred: { small: number; large: number };
}

export const scoringRules: readonly ScoringRule[] = [
  {
    id: 'slow-response',
    kind: 'hidden',
    term: 'slow-response',
    inferred: { small: 0, large: 0 },
    statements: [
      'A first reply slower than 4 hours is a severe penalty; a reply within 15 minutes deserves a bonus.',
      'Penalise sellers heavily when their first response takes hours.',
    ],
    cues: {
      groups: [
        'repl|respon|answer',
        'hour|slow|late|delay|minute',
        'penal|bonus|deduct|reward|severe|harsh|reduce|subtract|lower',
      ],
    },
  },
  {
    id: 'trend',
    kind: 'hidden',
    term: 'trend',
    inferred: { small: 0, large: 0.8 },
    statements: [
      "Reward conversations where the customer's mood improves by the end, and penalise ones where it gets worse.",
      'The change in customer sentiment from start to end should move the score.',
    ],
    cues: {
      groups: [
        'mood|sentiment|feel|tone',
        'improv|better|worse|end|trend|chang',
        'reward|penal|raise|lower|score|count',
      ],
    },
  },
  {
    id: 'unresolved',
    kind: 'hidden',
    term: 'unresolved',
    inferred: { small: 0.6, large: 1 },
    statements: ['An unresolved issue lowers the score a lot.', 'Deduct points when the issue is not resolved.'],
    cues: { groups: ['unresolved|not resolved|resolution|resolv', 'lower|penal|deduct|reduce|subtract|\\blow'] },
  },
  {
    id: 'apology',
    kind: 'hidden',
    term: 'apology',
    inferred: { small: 0, large: 0 },
    statements: [
      'If the customer starts upset and the seller never apologises, deduct points.',
      'An apology to an upset customer matters: missing it lowers the score.',
    ],
    cues: { groups: ['apolog|sorry', 'upset|frustrated|angry|unhappy|deduct|lower|penal'] },
  },
];

interface DecoyEffect extends RuleDef {
  effect(f: SellerFeatures): number;
}

export const decoyEffects: readonly DecoyEffect[] = [
  {
    id: 'decoy-generous',
    kind: 'decoy',
    statements: ['Be generous: most sellers deserve a score of 8 or more.'],
    cues: { groups: ['generous|lenient|benefit of the doubt'] },
    effect: () => 1.5,
  },
  {
    id: 'decoy-length',
    kind: 'decoy',
    statements: ['Longer conversations with many messages deserve higher scores.'],
    cues: { groups: ['longer|many messages|length|number of messages', 'higher|better|reward'] },
    effect: (f) => 0.2 * (f.messages - 12),
  },
];

const fullRange: CueSpec = {
  groups: [
    "full (0.?(-|to|–).?10 )?range|whole (0.?(-|to|–).?10 )?range|entire (range|scale)|full scale|extreme scores|(do not|don't) (hedge|cluster)|avoid (clustering|the middle)",
  ],
};
const low: CueSpec = {
  groups: [
    '(score|rating)s? (of |around |near )?[0-3](\\b|-)|\\b[0-3] (or (lower|below)|means)|low scores?|\\b0-2\\b|\\b1-3\\b',
    'slow|poor|bad|unresolved|rude|ignor|hours|angry|worse|fail|terrible',
  ],
};
const high: CueSpec = {
  groups: [
    '(score|rating)s? (of |around |near )?(9|10)\\b|\\b(9|10) means|high scores?|top scores?|\\b9-10\\b|\\b8-10\\b',
    'fast|quick|excellent|resolved|delighted|minutes|happ|great|outstanding',
  ],
};

export const anchors = {
  fullRange,
  low,
  high,
  fullRangeStatement: 'Use the full 0-10 range; do not cluster scores in the middle.',
  lowStatement: 'A score of 0-2 means the seller replied after hours, did not apologise and left the issue unresolved.',
  highStatement: 'A score of 9-10 means a reply within minutes, a resolved issue and a happier customer.',
};
