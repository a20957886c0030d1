// Family `ticket-routing`: route a support ticket to one of five teams. Keyword routing is right
// on plain tickets; five hidden rules decide the rest, and a model applies a rule only when the
// prompt conveys it (or, for the large model, when it is common sense). Three decoy rules look
// plausible but are wrong, so not every added rule helps.
import { type Rng } from '../base/prng.js';
import { countIllustrations, ruleApplies } from './rule-uptake.js';
import type { Fields } from './types.js';
import { generateTicket } from './ticket-generator.js';
import { defaultTeam, readTicket, type Team, type TicketFeatures, teams, ticketText } from './ticket-reader.js';
import type { Family, FamilyAnswer, RuleDef, TaskContext } from './types.js';

interface RoutingRule extends RuleDef {
  fires(f: TicketFeatures): boolean;
  team: Team;
  /** Probability a model applies it unaided, by size. */
  inferred: { small: number; large: number };
  because: string;
}

const escalate = 'escalat|senior|supervisor|management|manager';

// Priority order: the first rule that fires and is applied decides the team.
export const routingRules: readonly RoutingRule[] = [
  {
    id: 'legal-threat',
    kind: 'hidden',
    team: 'escalation',
    fires: (f) => f.legalThreat,
    inferred: { small: 0.3, large: 0.9 },
    because: 'the customer threatens legal action',
    statements: [
      'Tickets that threaten legal action (a lawyer, attorney or lawsuit) go to escalation.',
      'If the customer mentions a lawyer or suing, escalate the ticket.',
    ],
    cues: { groups: ['lawyer|attorney|legal|lawsuit|\\bsu(e|ing)\\b|court', escalate] },
  },
  {
    id: 'old-refund',
    kind: 'hidden',
    team: 'escalation',
    fires: (f) => f.refund && (f.orderAgeDays ?? 0) > 30,
    inferred: { small: 0, large: 0 },
    because: 'it is a refund for an order older than 30 days',
    statements: [
      'Refund requests for orders older than 30 days go to escalation.',
      'Escalate refunds when the order was placed more than thirty days ago.',
    ],
    cues: { groups: ['refund|money back|reimburs', '30|thirty|a month|one month', escalate] },
  },
  {
    id: 'decoy-all-refunds',
    kind: 'decoy',
    team: 'escalation',
    fires: (f) => f.refund,
    inferred: { small: 0, large: 0 },
    because: 'it asks for a refund',
    statements: ['All refund requests go to escalation.'],
    cues: { groups: ['refund|money back|reimburs', escalate], excludes: '30|thirty|month|older|days' },
  },
  {
    id: 'damaged-on-arrival',
    kind: 'hidden',
    team: 'shipping',
    fires: (f) => f.damagedOnArrival,
    inferred: { small: 0, large: 0.5 },
    because: 'the item arrived damaged, which is a delivery problem',
    statements: [
      'Items that arrived damaged or broken are a shipping problem, even if the device does not work.',
      'Route anything damaged in transit or broken on arrival to shipping.',
    ],
    cues: { groups: ['damaged|broken|cracked|smashed', 'arriv|transit|deliver', 'shipping'] },
  },
  {
    id: 'login-after-reset',
    kind: 'hidden',
    team: 'account',
    fires: (f) => f.loginAfterReset,
    inferred: { small: 0, large: 0 },
    because: 'a login failure right after a password reset is an account issue',
    statements: [
      'Login failures after a password reset belong to the account team, not technical.',
      'If someone cannot sign in after resetting their password, route it to account.',
    ],
    cues: { groups: ['log ?in|sign ?in|access', 'password', 'reset', 'account'] },
  },
  {
    id: 'decoy-error-is-technical',
    kind: 'decoy',
    team: 'technical',
    fires: (f) => f.mentionsError,
    inferred: { small: 0, large: 0 },
    because: 'it mentions an error',
    statements: ['Any ticket that mentions an error goes to technical.'],
    cues: { groups: ['\\berror', 'technical|engineering'] },
  },
  {
    id: 'cancel-subscription',
    kind: 'hidden',
    team: 'account',
    fires: (f) => f.cancelSubscription,
    inferred: { small: 0, large: 0 },
    because: 'subscription cancellations are handled by the account team',
    statements: [
      'Subscription cancellations go to account, not billing.',
      'When a customer wants to cancel their subscription, route it to the account team.',
    ],
    cues: { groups: ['cancel', 'subscription|plan|membership', 'account'] },
  },
  {
    id: 'decoy-urgent',
    kind: 'decoy',
    team: 'escalation',
    fires: (f) => f.urgent,
    inferred: { small: 0, large: 0 },
    because: 'it is marked urgent',
    statements: ['Urgent tickets go to escalation.'],
    cues: { groups: ['urgent|asap|time-sensitive', escalate] },
  },
];

export function trueTeam(f: TicketFeatures): { team: Team; rule?: RoutingRule } {
  const rule = routingRules.find((r) => r.kind === 'hidden' && r.fires(f));
  return rule ? { team: rule.team, rule } : { team: defaultTeam(f) };
}

function labelOf(outputs: Fields): string | undefined {
  for (const value of Object.values(outputs)) {
    const v = value
      .trim()
      .toLowerCase()
      .replace(/^["']|["'.]$/g, '');
    if ((teams as readonly string[]).includes(v)) return v;
  }
  const text = Object.values(outputs).join(' ').toLowerCase();
  return teams.find((t) => new RegExp(`\\b${t}\\b`).test(text));
}

function rulesShownBy(inputs: Fields, outputs: Fields): string[] {
  const f = readTicket(ticketText(inputs));
  const truth = trueTeam(f);
  if (!truth.rule || truth.team === defaultTeam(f)) return [];
  return labelOf(outputs) === truth.team ? [truth.rule.id] : [];
}

function answer(context: TaskContext): FamilyAnswer {
  const f = readTicket(ticketText(context.inputs));
  const illustrated = countIllustrations(context, rulesShownBy);
  const cap = context.capability;
  let team: Team = defaultTeam(f);
  let because = `the ticket is mostly about ${team} matters`;
  for (const rule of routingRules) {
    if (!rule.fires(f)) continue;
    if (ruleApplies(rule, context, illustrated.get(rule.id) ?? 0, rule.inferred[cap.size])) {
      team = rule.team;
      because = rule.because;
      break;
    }
  }
  const noise = (cap.noise + context.temperatureNoise) * (context.reasoning ? 0.6 : 1);
  if (context.uniform('noise') < noise) {
    const others = teams.filter((t) => t !== team);
    team = others[Math.floor(context.uniform('noise-pick') * others.length)] ?? team;
    because = `the ticket seems closest to ${team}`;
  }
  return { kind: 'label', label: team, rationale: `Routed to ${team} because ${because}.` };
}

export const ticketRouting: Family = {
  name: 'ticket-routing',
  answerKind: 'label',
  answerField: 'label',
  labels: teams,
  rules: routingRules,
  detect: (inputs) => {
    if (Object.keys(inputs).some((k) => /ticket/i.test(k))) return true;
    const votes = readTicket(ticketText(inputs)).votes;
    return Object.values(votes).reduce((a, b) => a + b, 0) >= 2;
  },
  answer,
  rulesShownBy,
  generate: (rng: Rng) => {
    const ticket = generateTicket(rng);
    return { inputs: { ticket }, expected: { label: trueTeam(readTicket(ticket)).team } };
  },
};
