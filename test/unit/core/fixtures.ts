import type { Genome, Signature } from '../../../core/index.js';

export const ticketSignature: Signature = {
  inputs: { ticket: { type: 'string', description: 'The customer message' }, priority: { type: 'number' } },
  outputs: {
    label: { type: 'enum', values: ['billing', 'escalation', 'technical'] },
    confidence: { type: 'number', min: 0, max: 10 },
  },
};

export const seedGenome: Genome = {
  sections: {
    role: 'You are a meticulous support-ticket router.',
    task: 'Route each ticket to the team that should handle it.',
    rules: ['Refund requests for orders older than 30 days go to escalation.'],
    reasoning: 'direct',
  },
  demos: [],
};

export const validTaskYaml = `
name: ticket-router
signature:
  inputs:
    ticket: string
    priority: { type: number }
  outputs:
    label: { type: enum, values: [billing, escalation, technical] }
    confidence: { type: number, min: 0, max: 10 }
data:
  path: ./tickets.csv
  split: { train: 0.6, val: 0.2, test: 0.2, seed: 7, stratify: { label: label } }
seedPrompt: Route each ticket to the right team.
metric:
  kind: exact_match
  field: label
models:
  local:
    baseUrl: http://localhost:8080/v1
    model: sim-7b
    apiKeyEnv: LOCAL_API_KEY
roles:
  meta: local
  dev: local
  production: local
`;
