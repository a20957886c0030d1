// What the simulated model "reads" in a support ticket: keyword votes for each team and the
// situations the hidden routing rules are about. Shared by the answerer and the data generator,
// so generated tickets and their truth can never disagree.
import type { Fields } from './types.js';

export const teams = ['billing', 'technical', 'shipping', 'account', 'escalation'] as const;
export type Team = (typeof teams)[number];

const keywords: Record<Exclude<Team, 'escalation'>, RegExp[]> = {
  billing: [
    /\bcharged?\b/,
    /\binvoice/,
    /\bpayment/,
    /\brefund/,
    /\breceipt/,
    /\bsubscription/,
    /\bplan\b/,
    /\bbill(ed|ing)?\b/,
  ],
  technical: [
    /\bcrash/,
    /\berror\b/,
    /\bbug\b/,
    /not working/,
    /\bwon't\b/,
    /\bbroken\b/,
    /\blog ?in\b/,
    /\bapp\b/,
    /\bupload/,
    /\bsync/,
  ],
  shipping: [/\bpackage\b/, /\bparcel\b/, /\bdeliver/, /\btracking\b/, /\bcourier\b/, /\bship(ping|ped)\b/],
  account: [/\baccount\b/, /\bemail address\b/, /\bprofile\b/, /\busername\b/, /\bsecond user\b/, /\btwo-factor\b/],
};

export interface TicketFeatures {
  votes: Record<Exclude<Team, 'escalation'>, number>;
  refund: boolean;
  orderAgeDays: number | undefined;
  legalThreat: boolean;
  damagedOnArrival: boolean;
  loginAfterReset: boolean;
  cancelSubscription: boolean;
  mentionsError: boolean;
  urgent: boolean;
}

/** The field that holds the ticket: one named like a ticket or message, else the longest value. */
export function ticketText(inputs: Fields): string {
  const named = Object.entries(inputs).find(([k]) => /ticket|message|complaint|email|request|body/i.test(k));
  if (named) return named[1];
  return Object.values(inputs).reduce((a, b) => (b.length > a.length ? b : a), '');
}

export function readTicket(text: string): TicketFeatures {
  const t = text.toLowerCase();
  const votes = { billing: 0, technical: 0, shipping: 0, account: 0 };
  for (const team of Object.keys(votes) as (keyof typeof votes)[]) {
    votes[team] = keywords[team].filter((k) => k.test(t)).length;
  }
  const age = /(\d+)\s+days?\s+ago/.exec(t) ?? /(\d+)\s+days?\s+old/.exec(t);
  return {
    votes,
    refund: /refund|money back|reimburse/.test(t),
    orderAgeDays: age?.[1] ? Number(age[1]) : undefined,
    legalThreat: /lawyer|attorney|legal action|\bsue\b|court/.test(t),
    damagedOnArrival: /arrived\s+(?:\w+\s+){0,2}(?:damaged|broken|cracked|smashed|dented)/.test(t),
    loginAfterReset: /reset (?:my|the) password/.test(t) && /(?:can't|cannot|unable to) (?:log ?in|sign in)/.test(t),
    cancelSubscription: /cancel (?:my|the|our) (?:\w+ )?subscription/.test(t),
    mentionsError: /\berror\b/.test(t),
    urgent: /\burgent\b|\basap\b/.test(t),
  };
}

/** Keyword routing: the behaviour of a model that was told nothing beyond "route the ticket". */
export function defaultTeam(features: TicketFeatures): Team {
  let best: Team = 'technical';
  let bestVotes = 0;
  for (const team of ['billing', 'technical', 'shipping', 'account'] as const) {
    if (features.votes[team] > bestVotes) {
      best = team;
      bestVotes = features.votes[team];
    }
  }
  return best;
}
