import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Genome } from '../../core/genome/genome.js';
import { versionHash, type VersionContent } from '../../core/registry/version.js';
import { parseTaskSpec } from '../../core/task/spec.js';
import type { Db } from '../../platform/db.js';
import { moveLabel, publishVersion, type StoredVersion } from '../../storage/registry.js';

/** The ticket-routing example as the registry stores it, on sim-large at the local model server. */
export const ticketTask = parseTaskSpec(
  readFileSync('examples/ticket-routing/task.yaml', 'utf8'),
  'examples/ticket-routing/task.yaml',
  { env: {} },
);
export const simLarge = ticketTask.models['sim-large']!;

/** A registry name no other test (or earlier run) uses. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

function genome(task: string, rules: string[]): Genome {
  return {
    sections: { task, rules, reasoning: 'direct' },
    demos: [
      { kind: 'trace', inputs: { ticket: 'I was charged twice this month.' }, outputs: { label: 'billing' } },
      { kind: 'trace', inputs: { ticket: 'The app crashes when I log in.' }, outputs: { label: 'technical' } },
    ],
  };
}

/** Publishes the ticket-routing prompt as a new version of `name` (`variant` makes its content differ). */
export async function publishTicketVersion(db: Db, name: string, variant: number): Promise<StoredVersion> {
  const content: VersionContent = {
    signature: ticketTask.signature,
    genome: genome(`Route the support ticket to the right team (variant ${variant}).`, [
      'Refund requests for orders older than 30 days go to escalation.',
    ]),
    model: simLarge.model,
    decoding: { temperature: 0, structuredOutput: simLarge.structuredOutput },
  };
  const { version } = await publishVersion(db, {
    name,
    hash: versionHash(content),
    content,
    metric: ticketTask.metric,
    endpoint: simLarge,
    source: {
      runId: `test-run-${variant}`,
      candidateHash: 'c'.repeat(64),
      kind: 'best',
      task: ticketTask.name,
      datasetHash: 'd'.repeat(64),
      scores: { val: 0.8, test: 0.75 },
      optimizedOn: [],
    },
    createdBy: 'test',
  });
  return version;
}

/** Points a label at a version, from where it points now (compare-and-swap). */
export async function setLabel(db: Db, name: string, label: string, from: number | null, to: number): Promise<void> {
  const check = await moveLabel(db, { name, label, from, to }, { how: from === null ? 'first' : 'force', by: 'test' });
  if (!check.ok) throw new Error(`moving ${name}@${label} to ${to}: ${check.message}`);
}
