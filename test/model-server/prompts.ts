// Prompts used by the landscape tests: a plain seed instruction and variants that convey the
// hidden rules or anchors, rendered in the section format of docs/PROMPT-FORMAT.md.

export const routingSeed = `## Task
Route each ticket to the team that should handle it.

## Output format
Respond with a JSON object with the field "label" (one of: billing, technical, shipping, account, escalation).`;

export const routingWithRules = `## Task
Route each ticket to the team that should handle it.

## Rules
- Tickets that threaten legal action (a lawyer, attorney or lawsuit) go to escalation.
- Refund requests for orders older than 30 days go to escalation.
- Items that arrived damaged or broken are a shipping problem, even if the device does not work.
- Login failures after a password reset belong to the account team, not technical.
- Subscription cancellations go to account, not billing.

## Output format
Respond with a JSON object with the field "label" (one of: billing, technical, shipping, account, escalation).`;

export const scoringSeed = `## Task
Score the travel seller's conversation from 0 to 10.

## Output format
Respond with a JSON object with the field "score" (a number from 0 to 10).`;

export const scoringWithAnchors = `## Task
Score the travel seller's conversation from 0 to 10.

## Rules
- Use the full 0-10 range; do not cluster scores in the middle.
- A score of 0-2 means the seller replied after hours, did not apologise and left the issue unresolved.
- A score of 9-10 means a reply within minutes, a resolved issue and a happier customer.

## Output format
Respond with a JSON object with the field "score" (a number from 0 to 10).`;
