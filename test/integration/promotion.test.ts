import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { createPromotionActivities } from '../../activities/promotion.js';
import { PromptevoClient } from '../../client/api.js';
import { CliError, EXIT } from '../../client/errors.js';
import { runGatedPromotion, type GatedPromotionRequest } from '../../client/registry/gated.js';
import { loadTaskFile } from '../../client/task-file.js';
import type { Example } from '../../core/data/example.js';
import { parseTaskDataset } from '../../core/data/task-dataset.js';
import { normalizeGenome, type Genome } from '../../core/genome/genome.js';
import { labelMove } from '../../core/registry/label-move.js';
import { exampleContentHash } from '../../core/registry/provenance.js';
import { versionHash, type VersionContent } from '../../core/registry/version.js';
import { promotionTest, type PromotionVerdict } from '../../core/stats/promotion-test.js';
import {
  findPromotion,
  labelHistory,
  labelsOf,
  moveLabel,
  publishVersion,
  type StoredVersion,
} from '../../storage/registry.js';
import { createLogger } from '../../platform/logger.js';
import { policyFromConfig } from '../../platform/policy.js';
import { insertExamples } from '../../storage/examples.js';
import { insertRun } from '../../storage/runs.js';
import { useWorkerStack } from '../support/stack.js';

/**
 * Gated promotion on the real stack (Temporal, PostgreSQL, the simulated model server, a worker
 * process): two ticket-routing versions published directly, `production` on the weak one, then
 * a promotion that passes for a clearly better challenger, one refused for an equal challenger,
 * and promotion sets the gate refuses to use.
 */
const ctx = useWorkerStack('promotion');

const task = loadTaskFile('examples/ticket-routing/task.yaml');
const endpoint = task.spec.models['sim-large']!;
const examples = parseTaskDataset(readFileSync(task.datasetPath, 'utf8'), task.spec, task.datasetPath).rows;
/** What the versions were "optimized on" (train and validation), and a promotion set disjoint from it. */
const optimizedOn = examples.slice(0, 100);
const optimizedHashes = new Set(optimizedOn.map((e) => exampleContentHash(e.inputs)));
// The dataset repeats some tickets under other ids: those are left out by content, as the gate checks.
const promotionSet = examples
  .slice(100)
  .filter((e) => !optimizedHashes.has(exampleContentHash(e.inputs)))
  .slice(0, 120);
const name = `ticket-routing-${randomBytes(4).toString('hex')}`;

const seedGenome: Genome = normalizeGenome({
  sections: { task: 'Route the support ticket to the right team.', rules: [], reasoning: 'direct' },
  demos: [],
});
/** The task's rules stated plainly: what the simulator's routing family rewards. */
const rulesGenome: Genome = normalizeGenome({
  sections: {
    task: 'Route the support ticket to the one team that should handle it: billing, technical, shipping, account or escalation.',
    rules: [
      'Tickets that threaten legal action (a lawyer, attorney or lawsuit) go to escalation.',
      'Refund requests for orders older than 30 days go to escalation.',
      'Items that arrived damaged or broken are a shipping problem, even if the device does not work.',
      'Login failures after a password reset belong to the account team, not technical.',
      'Subscription cancellations go to account, not billing.',
    ],
    reasoning: 'direct',
  },
  demos: [],
});

function publish(genome: Genome, maxTokens?: number): Promise<StoredVersion> {
  return publishAs(name, genome, maxTokens);
}

async function publishAs(
  name: string,
  genome: Genome,
  maxTokens?: number,
  runId = `gone-${name}`,
): Promise<StoredVersion> {
  const content: VersionContent = {
    signature: task.spec.signature,
    genome,
    model: endpoint.model,
    decoding: {
      temperature: endpoint.temperature,
      structuredOutput: endpoint.structuredOutput,
      ...(maxTokens !== undefined ? { maxTokens } : {}),
    },
  };
  const hash = versionHash(content);
  const { version } = await publishVersion(ctx.stack.db, {
    name,
    hash,
    content,
    // The stored metric is the task's metric spec, as publishing stores it.
    metric: task.spec.metric,
    endpoint,
    source: {
      runId,
      candidateHash: hash,
      kind: 'candidate',
      task: task.spec.name,
      datasetHash: 'not-checked-here',
      scores: { val: null, test: null },
      optimizedOn: [...optimizedHashes],
    },
    createdBy: 'promotion-test',
  });
  return version;
}

/** A verdict to keep as evidence; its numbers do not matter to the label move. */
function promotionTestStub(): PromotionVerdict {
  return promotionTest([0, 1], [1, 1], { minN: 1 });
}

function writeSet(rows: Example[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'promotion-set-'));
  const file = join(dir, 'set.jsonl');
  writeFileSync(file, rows.map((e) => JSON.stringify({ id: e.id, ...e.inputs, ...e.outputs })).join('\n') + '\n');
  return file;
}

describe('gated promotion on the real stack', () => {
  const client = (): PromptevoClient => new PromptevoClient(ctx.stack.client, ctx.stack.config, ctx.stack.db);
  let weak: StoredVersion;
  let strong: StoredVersion;

  it('promotes a clearly better challenger, moves the label with the evidence and books the calls under the promotion', async () => {
    const { db } = ctx.stack;
    weak = await publish(seedGenome);
    strong = await publish(rulesGenome);
    expect([weak.version, strong.version]).toEqual([1, 2]);
    expect(await moveLabel(db, labelMove(name, 'production', null, 1), { how: 'first', by: 'promotion-test' })).toEqual(
      { ok: true },
    );

    const outcome = await runGatedPromotion(client(), {
      name,
      label: 'production',
      champion: 1,
      challenger: 2,
      datasetPath: writeSet(promotionSet),
      by: 'release-manager',
      reason: 'rules stated plainly',
      wait: true,
    });

    expect(outcome.promotionId).toBe(`promote-${name}-1`);
    expect(outcome.status, outcome.message).toBe('promoted');
    expect(outcome.labelMoved).toBe(true);
    expect(outcome.message).toMatch(/^Promoted: .*@production moved from version 1 to version 2\. Decision: promote: /);
    expect(await labelsOf(db, name)).toEqual({ production: 2 });

    const stored = await findPromotion(db, outcome.promotionId);
    const decision = stored?.decision as { verdict: PromotionVerdict; cost: { calls: number } };
    expect(stored?.status).toBe('promoted');
    expect(stored?.finishedAt).not.toBeNull();
    expect(decision.verdict.decision).toBe('promote');
    expect(decision.verdict.test).toBe('mcnemar_exact');
    expect(decision.verdict.n).toBe(promotionSet.length);
    expect(decision.verdict.pValue).toBeLessThan(0.05);
    expect(decision.verdict.discordant!.challengerBetter).toBeGreaterThan(decision.verdict.discordant!.championBetter);

    const move = (await labelHistory(db, name, 'production')).at(-1)!;
    expect(move).toMatchObject({
      from: 1,
      to: 2,
      how: 'promote',
      by: 'release-manager',
      reason: 'rules stated plainly',
    });
    expect((move.evidence as { promotionId: string }).promotionId).toBe(outcome.promotionId);
    expect((move.evidence as { verdict: PromotionVerdict }).verdict.pValue).toBe(decision.verdict.pValue);

    // Every answer of both versions was asked under the promotion's run, which is kind 'promotion'.
    const calls = await db.query<{ model: string; purpose: string; n: string }>(
      `SELECT model, purpose, count(DISTINCT request_key) AS n FROM model_calls WHERE run_id = $1
        GROUP BY model, purpose ORDER BY model`,
      [outcome.promotionId],
    );
    // One request per distinct ticket (two ids with the same ticket share one cached answer).
    const distinct = new Set(promotionSet.map((e) => exampleContentHash(e.inputs))).size;
    expect(calls.rows.map((r) => [r.model, r.purpose, Number(r.n)])).toEqual([
      ['v1', 'promotion', distinct],
      ['v2', 'promotion', distinct],
    ]);
    expect(decision.cost.calls).toBeGreaterThanOrEqual(2 * distinct);
    // The workflow is deterministic: its history replays against the workflow code.
    const history = await ctx.stack.client.workflow.getHandle(outcome.promotionId).fetchHistory();
    await Worker.runReplayHistory(
      { workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } },
      history,
      outcome.promotionId,
    );
    const run = await db.query<{ kind: string; status: string }>('SELECT kind, status FROM runs WHERE id = $1', [
      outcome.promotionId,
    ]);
    expect(run.rows[0]).toEqual({ kind: 'promotion', status: 'promoted' });
  });

  it('refuses an equal challenger as not significant and leaves the label where it was', async () => {
    // The production version's prompt with a different answer allowance: the same answers.
    const same = await publish(rulesGenome, 512);
    const outcome = await runGatedPromotion(client(), {
      name,
      label: 'production',
      champion: strong.version,
      challenger: same.version,
      datasetPath: writeSet(promotionSet),
      by: 'release-manager',
      wait: true,
    });
    expect(outcome.status, outcome.message).toBe('refused');
    expect(outcome.labelMoved).toBe(false);
    const verdict = (outcome.decision as { verdict: PromotionVerdict }).verdict;
    expect(verdict.decision).toBe('refuse');
    expect(verdict.reasons).toContain('not_significant');
    expect(outcome.message).toMatch(/^Refused: .*@production stays at version 2; version 3 was not promoted\./);
    expect(await labelsOf(ctx.stack.db, name)).toEqual({ production: 2 });
    expect((await findPromotion(ctx.stack.db, outcome.promotionId))?.status).toBe('refused');
    expect((await labelHistory(ctx.stack.db, name, 'production')).at(-1)).toMatchObject({ to: 2, how: 'promote' });
  });

  it('refuses a promotion set that overlaps what the versions were optimized on, naming the examples', async () => {
    const overlapping = [...promotionSet.slice(0, 20), ...optimizedOn.slice(0, 7)];
    const outcome = await runGatedPromotion(client(), {
      name,
      label: 'production',
      champion: strong.version,
      challenger: weak.version,
      datasetPath: writeSet(overlapping),
      by: 'release-manager',
      wait: true,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.labelMoved).toBe(false);
    const shown = optimizedOn.slice(0, 5).map((e) => e.id);
    expect(outcome.message).toContain('overlaps the versions');
    expect(outcome.message).toContain(
      `7 in what ${name}:2 and ${name}:1 were optimized on (${shown.join(', ')} and 2 more)`,
    );
    expect(outcome.message).toContain('--dataset');
    // Nothing was scored.
    const calls = await ctx.stack.db.query('SELECT 1 FROM model_calls WHERE run_id = $1', [outcome.promotionId]);
    expect(calls.rowCount).toBe(0);
    expect((await findPromotion(ctx.stack.db, outcome.promotionId))?.status).toBe('failed');
    expect(await labelsOf(ctx.stack.db, name)).toEqual({ production: 2 });
  });

  it('says to pass --dataset when the challenger’s run (and so its test split) is gone', async () => {
    const outcome = await runGatedPromotion(client(), {
      name,
      label: 'production',
      champion: strong.version,
      challenger: weak.version,
      by: 'release-manager',
      wait: true,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toContain(`run gone-${name}, which ${name}:1 came from, is no longer in the database`);
    expect(outcome.message).toContain('--dataset FILE');
  });

  it('moves the label only from the champion: a retry of its own move succeeds, a label moved meanwhile fails', async () => {
    const { db, config } = ctx.stack;
    const acts = createPromotionActivities(
      { config, db, log: createLogger('warn'), workerIdentity: 'promotion-test' },
      policyFromConfig(config),
    );
    const other = `${name}-cas`;
    const [one, two] = [await publishAs(other, seedGenome), await publishAs(other, rulesGenome)];
    await moveLabel(db, labelMove(other, 'production', null, one.version), { how: 'first', by: 'promotion-test' });
    const judgement = { verdict: promotionTestStub(), cost: { calls: 0, cachedCalls: 0, tokens: 0, usd: 0 } };
    const move = (promotionId: string, from = one.version) =>
      acts.movePromotedLabel({
        promotionId,
        name: other,
        label: 'production',
        from,
        to: two.version,
        requestedBy: 'release-manager',
        evidence: judgement,
      });

    expect(await move(`promote-${other}-1`)).toEqual({ ok: true });
    // The same promotion's activity retried after its move was applied: still its success.
    expect(await move(`promote-${other}-1`)).toEqual({ ok: true });
    // Another promotion decided against the same champion finds the label moved.
    const late = await move(`promote-${other}-2`);
    expect(late).toEqual({
      ok: false,
      message: expect.stringContaining(
        `expected ${other}@production at version 1, but it points at version 2`,
      ) as string,
    });
    expect((await labelHistory(db, other, 'production')).map((m) => m.how)).toEqual(['first', 'promote']);
  });

  it("takes the challenger's run's test split when no dataset is given, and refuses a set below minN", async () => {
    const { db } = ctx.stack;
    // The run the challenger came from, with a test split of 12 examples.
    const runId = `run-${name}`;
    await insertRun(db, {
      runId,
      taskName: task.spec.name,
      taskFile: 'task.yaml',
      datasetPath: 'data.jsonl',
      spec: task.spec,
      seed: 1,
    });
    await insertExamples(db, runId, {
      train: optimizedOn.slice(0, 60),
      val: optimizedOn.slice(60),
      test: promotionSet.slice(0, 12),
    });
    const fromRun = await publishAs(name, rulesGenome, 1024, runId);
    const outcome = await runGatedPromotion(client(), {
      name,
      label: 'production',
      champion: strong.version,
      challenger: fromRun.version,
      by: 'release-manager',
      wait: true,
    });
    expect(outcome.status, outcome.message).toBe('refused');
    const verdict = (outcome.decision as { verdict: PromotionVerdict }).verdict;
    expect(verdict.n).toBe(12);
    expect(verdict.reasons[0]).toBe('too_few_examples');
    expect(outcome.message).toContain('12 examples < 30');
    const stored = await db.query<{ example_id: string }>(
      `SELECT example_id FROM examples WHERE run_id = $1 AND split = 'test' ORDER BY ordinal`,
      [outcome.promotionId],
    );
    expect(stored.rows.map((r) => r.example_id)).toEqual(promotionSet.slice(0, 12).map((e) => e.id));
    expect(await labelsOf(db, name)).toEqual({ production: 2 });
  });

  it('refuses on the client, before anything starts, a missing version and a promotion set that does not fit', async () => {
    const request: GatedPromotionRequest = {
      name,
      label: 'production',
      champion: strong.version,
      challenger: 99,
      by: 'release-manager',
      wait: true,
    };
    const refusal = async (r: GatedPromotionRequest): Promise<CliError> => {
      const err = await runGatedPromotion(client(), r).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
      return err as CliError;
    };
    const missing = await refusal(request);
    expect(missing.message).toBe(`${name}:99 does not exist; \`promptevo registry show ${name}\` lists its versions`);
    expect(missing.exitCode).toBe(EXIT.notFound);

    const dir = mkdtempSync(join(tmpdir(), 'promotion-set-'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      `${JSON.stringify({ id: 'a', ticket: 'My card was charged twice', label: 'billing' })}\n{"id": "b", "ticket": 3}\n`,
    );
    const badRows = await refusal({ ...request, challenger: weak.version, datasetPath: bad });
    expect(badRows.message).toMatch(
      /promotion set .*bad\.jsonl has 1 bad row\(s\); fix them and start again:\n.*bad\.jsonl:2: /,
    );
    expect(badRows.exitCode).toBe(EXIT.usage);
    const text = await refusal({ ...request, challenger: weak.version, datasetPath: join(dir, 'set.txt') });
    expect(text.message).toContain('use a .jsonl or .csv file');
    expect(await labelsOf(ctx.stack.db, name)).toEqual({ production: 2 });
  });
});
