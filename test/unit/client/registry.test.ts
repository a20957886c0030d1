import { describe, expect, it } from 'vitest';
import type { Genome } from '../../../core/genome/genome.js';
import { versionHash, type VersionContent } from '../../../core/registry/version.js';
import type { StoredLabelMove, StoredVersion } from '../../../storage/registry.js';
import { CliError } from '../../../client/errors.js';
import { diffLines, diffVersions } from '../../../client/registry/diff.js';
import {
  evidenceSummary,
  formatDiff,
  formatHistory,
  formatPublish,
  formatRegistryList,
} from '../../../client/registry/format.js';
import { registryIdentity } from '../../../client/registry/identity.js';

const signature: VersionContent['signature'] = {
  inputs: { ticket: { type: 'string' } },
  outputs: { label: { type: 'enum', values: ['billing', 'technical'] } },
};

function version(n: number, genome: Genome, overrides: Partial<VersionContent> = {}): StoredVersion {
  const content: VersionContent = {
    signature,
    genome,
    model: 'sim-large',
    decoding: { temperature: 0, structuredOutput: true },
    ...overrides,
  };
  return {
    name: 'seller-score',
    version: n,
    hash: versionHash(content),
    content,
    metric: { kind: 'exact_match', field: 'label', caseSensitive: false },
    endpoint: {
      baseUrl: 'http://127.0.0.1:8787/v1',
      model: content.model,
      maxConcurrency: 4,
      timeoutMs: 60_000,
      maxRetries: 5,
      pricing: { inputPerMTok: 0, outputPerMTok: 0 },
      structuredOutput: true,
      temperature: 0,
    },
    source: {
      runId: `run-${n}`,
      candidateHash: 'c'.repeat(64),
      kind: 'best',
      task: 'ticket-routing',
      datasetHash: 'd'.repeat(64),
      scores: { val: [0, 0.6, 0.7, 0.8, 0.9][n]!, test: [0, 0.5, 0.6, 0.7, 0.8][n]! },
      optimizedOn: [],
    },
    createdBy: 'alice',
    createdAt: new Date('2026-12-01T10:00:00Z'),
  };
}

const demo = (ticket: string, label: string): Genome['demos'][number] => ({
  kind: 'trace',
  inputs: { ticket },
  outputs: { label },
});

const base: Genome = {
  sections: { task: 'Route the ticket.\nPick one team.', rules: ['Be brief.', 'Never guess.'], reasoning: 'direct' },
  demos: [demo('refund please', 'billing'), demo('app crashes', 'technical')],
};

describe('registry diff', () => {
  it('diffs lines by longest common subsequence, keeping context', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
    expect(diffLines([], ['new'])).toEqual([{ op: '+', text: 'new' }]);
    expect(diffLines(['same'], ['same'])).toEqual([{ op: ' ', text: 'same' }]);
  });

  it('reports changed sections, rules, demos added and removed, model and decoding, and scores', () => {
    const changed: Genome = {
      sections: {
        role: 'You are a support lead.',
        task: 'Route the ticket.\nPick exactly one team.',
        rules: ['Be brief.', 'Ask when unsure.'],
        reasoning: 'direct',
      },
      demos: [demo('app crashes', 'technical'), demo('where is my parcel', 'billing')],
    };
    const d = diffVersions(
      version(1, base),
      version(2, changed, { model: 'sim-small', decoding: { temperature: 0.2, structuredOutput: true } }),
    );
    expect(d.identical).toBe(false);
    expect(d.sections.map((s) => s.section)).toEqual(['role', 'task', 'rules']);
    expect(d.sections.find((s) => s.section === 'rules')!.lines).toEqual([
      { op: ' ', text: '- Be brief.' },
      { op: '-', text: '- Never guess.' },
      { op: '+', text: '- Ask when unsure.' },
    ]);
    expect(d.demos.kept).toBe(1);
    expect(d.demos.added.map((x) => x.inputs)).toEqual(['ticket: where is my parcel']);
    expect(d.demos.removed.map((x) => x.outputs)).toEqual(['label: billing']);
    expect(d.model).toEqual({ from: 'sim-large', to: 'sim-small' });
    expect(d.decoding).toEqual([{ setting: 'temperature', from: 0, to: 0.2 }]);
    expect(d.signatureChanged).toBe(false);
    expect(d.scores).toEqual({ from: { val: 0.6, test: 0.5 }, to: { val: 0.7, test: 0.6 } });

    const text = formatDiff(d);
    expect(text).toContain('seller-score:1 → seller-score:2');
    expect(text).toMatch(
      /^section task:\n {2} {2}Route the ticket\.\n {2}- Pick one team\.\n {2}\+ Pick exactly one team\.$/m,
    );
    expect(text).toMatch(/^demos: 1 added, 1 removed, 1 kept$/m);
    expect(text).toMatch(/^ {2}\+ ticket: where is my parcel ⇒ label: billing$/m);
    expect(text).toMatch(/^model: sim-large → sim-small$/m);
    expect(text).toMatch(/^decoding temperature: 0 → 0\.2$/m);
    expect(text).toMatch(
      /^scores \(as published\): val 0\.600 → 0\.700 \(\+0\.100\), test 0\.500 → 0\.600 \(\+0\.100\)$/m,
    );
  });

  it('says when two versions hold the same content, whitespace aside', () => {
    const spaced: Genome = { ...base, sections: { ...base.sections, task: '  Route the ticket.\nPick one team.  ' } };
    const d = diffVersions(version(1, base), version(4, spaced));
    expect(d.identical).toBe(true);
    expect(d.sections).toEqual([]);
    expect(formatDiff(d)).toBe('seller-score:1 → seller-score:4: identical content');
  });
});

describe('registry formatting', () => {
  const move = (m: Partial<StoredLabelMove>): StoredLabelMove => ({
    id: 1,
    name: 'seller-score',
    label: 'production',
    from: null,
    to: 1,
    how: 'first',
    by: 'alice',
    reason: null,
    evidence: null,
    movedAt: new Date('2026-12-01T10:00:00Z'),
    ...m,
  });

  it('prints label history as a table with the evidence of a gated promotion in one cell', () => {
    const text = formatHistory('seller-score', [
      move({}),
      move({
        id: 2,
        from: 1,
        to: 2,
        how: 'promote',
        by: 'release-bot',
        reason: 'better on test',
        evidence: { decision: 'promote', test: 'mcnemar_exact', pValue: 0.00123, meanDifference: 0.12, n: 90 },
      }),
      move({ id: 3, from: 2, to: 1, how: 'rollback', by: 'bob', reason: 'incident' }),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^WHEN\s+LABEL\s+FROM\s+TO\s+HOW\s+BY\s+REASON\s+EVIDENCE$/);
    expect(lines[2]).toMatch(/^2026-12-01 10:00 UTC\s+production\s+-\s+1\s+first\s+alice$/);
    expect(lines[3]).toMatch(
      /production\s+1\s+2\s+promote\s+release-bot\s+better on test\s+promote, mcnemar_exact, p=0\.00123, Δ \+0\.120, n=90$/,
    );
    expect(lines[4]).toMatch(/production\s+2\s+1\s+rollback\s+bob\s+incident$/);
    expect(formatHistory('x', [])).toBe('x: no label has been moved yet');
  });

  it('summarises evidence nested under a decision, or shows it as JSON', () => {
    expect(
      evidenceSummary({ promotionId: 'promote-x-3', decision: { decision: 'promote', pValue: 0.01, n: 40 } }),
    ).toBe('promote, p=0.0100, n=40, promote-x-3');
    expect(evidenceSummary({ verdict: { decision: 'refuse', test: 'paired_bootstrap', pValue: 0.4 }, cost: {} })).toBe(
      'refuse, paired_bootstrap, p=0.400',
    );
    expect(evidenceSummary({ note: 'manual' })).toBe('{"note":"manual"}');
    expect(evidenceSummary(null)).toBe('');
  });

  it('prints a publish, a re-publish of the same content and the registry list', () => {
    const v = version(3, base);
    const outcome = {
      name: v.name,
      version: 3,
      reference: 'seller-score:3',
      hash: v.hash,
      created: true,
      model: 'sim-large',
      createdBy: 'alice',
      source: v.source,
      label: { label: 'staging', from: 2, to: 3, moved: true },
    };
    expect(formatPublish(outcome)).toMatch(
      /^published seller-score:3 \(best c{12} of run run-3, model sim-large\)\n {2}hash [0-9a-f]{16} {2}val 0\.800 {2}test 0\.700 {2}by alice\n {2}seller-score@staging: version 2 → version 3$/,
    );
    expect(formatPublish({ ...outcome, created: false, label: undefined })).toMatch(
      /^seller-score:3 already holds this content .*nothing new was published/,
    );
    expect(
      formatRegistryList([
        {
          name: 'seller-score',
          versions: 3,
          latest: 3,
          updatedAt: new Date('2026-12-01T10:00:00Z'),
          labels: { staging: 3, production: 1 },
        },
      ]),
    ).toMatch(/^seller-score\s+3\s+3\s+production→1 staging→3\s+2026-12-01 10:00 UTC$/m);
    expect(formatRegistryList([])).toMatch(/^the registry is empty/);
  });
});

describe('registry identity', () => {
  it('takes --by, then PROMPTEVO_IDENTITY, then the OS user', () => {
    expect(registryIdentity(' alice ', { PROMPTEVO_IDENTITY: 'bot' })).toBe('alice');
    expect(registryIdentity(undefined, { PROMPTEVO_IDENTITY: 'bot' })).toBe('bot');
    expect(registryIdentity(undefined, {}).length).toBeGreaterThan(0);
    expect(() => registryIdentity('  ', {})).toThrow(CliError);
  });
});
