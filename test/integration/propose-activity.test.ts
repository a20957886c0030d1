import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type Activities } from '../../activities/index.js';
import { loadTaskFile } from '../../client/task-file.js';
import { createLogger } from '../../platform/logger.js';
import { openTestStack, type TestStack } from '../support/stack.js';
import type { PreparedRun, ProposalResult } from '../../contracts/index.js';

/** The propose activity on the real stack: what it does when an operator has nothing to work on. */
describe('proposing from a parent with no failures', () => {
  let stack: TestStack;
  let acts: Activities;
  let prepared: PreparedRun;
  let seedHash: string;
  const runId = `propose-${Date.now()}`;
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    new MockActivityEnvironment().run(fn, ...args);

  beforeAll(async () => {
    stack = await openTestStack('propose');
    acts = createActivities({ config: stack.config, db: stack.db, log: createLogger('warn'), workerIdentity: 'test' });
    const task = loadTaskFile('examples/ticket-routing/task.yaml');
    prepared = await run((input: Parameters<Activities['prepareRun']>[0]) => acts.prepareRun(input), {
      runId,
      spec: task.spec,
      datasetPath: task.datasetPath,
      taskFile: task.taskFile,
    });
    seedHash = (await run((input: { runId: string }) => acts.storeSeedCandidate(input), { runId })).hash;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const propose = (operator: 'reflect' | 'bootstrap' | 'prune'): Promise<ProposalResult> =>
    run(acts.proposeCandidate, { runId, generation: 1, operator, parentHashes: [seedHash], seed: 7 });

  it('stores the seed with search.labeledDraws distinct labeled variants of train demos, the same when asked again', async () => {
    const stored = await run((input: { runId: string }) => acts.storeSeedCandidate(input), { runId });
    expect(stored.hash).toBe(seedHash);
    const variants = stored.labeledHashes ?? [];
    expect(variants).toHaveLength(3);
    expect(new Set([seedHash, ...variants]).size).toBe(4);
    expect(stored.labeledHash).toBe(variants[0]);
    const { rows } = await stack.db.query<{
      hash: string;
      parent_hashes: string[];
      genome: { demos: { exampleId?: string }[] };
    }>('SELECT hash, parent_hashes, genome FROM candidates WHERE run_id = $1 AND hash = ANY($2)', [runId, variants]);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.parent_hashes).toEqual([seedHash]);
      expect(row.genome.demos).toHaveLength(4);
      for (const demo of row.genome.demos) expect(prepared.trainIds).toContain(demo.exampleId);
    }
  });

  it('skips reflection, without a model call, when the parent has no failures on train', async () => {
    // The seed answered two train examples correctly, and has failures on validation and test only.
    const [a, b] = prepared.trainIds!;
    await stack.db.query(
      `INSERT INTO evaluations (run_id, candidate_hash, model, example_id, output, raw_output, score, split)
       SELECT $1, $2, 'sim-large', e.example_id, e.outputs, 'x',
              CASE WHEN e.split = 'train' THEN 1 ELSE 0 END, e.split
         FROM examples e WHERE e.run_id = $1 AND (e.example_id = ANY($3) OR e.split IN ('val', 'test'))`,
      [runId, seedHash, [a, b]],
    );
    const reflected = await propose('reflect');
    expect(reflected).toMatchObject({ status: 'skipped', operator: 'reflect' });
    expect((reflected as { reason: string }).reason).toMatch(/no failures on the train examples/);
    const { rows } = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM model_calls WHERE run_id = $1', [
      runId,
    ]);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('skips prune when the parent states no rules (the slot is drawn again)', async () => {
    const pruned = await propose('prune');
    expect(pruned).toMatchObject({ status: 'skipped', operator: 'prune', reason: 'the parent has no rules to drop' });
  });

  it('bootstraps demos from the passing train answers already stored, again without a model call', async () => {
    const bootstrapped = await propose('bootstrap');
    expect(bootstrapped.status).toBe('created');
    const { rows } = await stack.db.query<{ genome: { demos: { kind: string; sourceExampleId?: string }[] } }>(
      'SELECT genome FROM candidates WHERE run_id = $1 AND hash = $2',
      [runId, (bootstrapped as { hash: string }).hash],
    );
    const sources = rows[0]!.genome.demos.map((d) => d.sourceExampleId);
    expect(sources.length).toBeGreaterThan(0);
    for (const id of sources) expect(prepared.trainIds).toContain(id);
  });

  it('reflects on train failures only once the parent has some', async () => {
    await stack.db.query(
      `UPDATE evaluations SET score = 0, feedback = 'expected billing'
        WHERE run_id = $1 AND candidate_hash = $2 AND example_id = $3`,
      [runId, seedHash, prepared.trainIds![0]],
    );
    const reflected = await propose('reflect');
    expect(reflected.status).not.toBe('skipped');
    const { rows } = await stack.db.query<{ purpose: string }>('SELECT purpose FROM model_calls WHERE run_id = $1', [
      runId,
    ]);
    expect(rows.map((r) => r.purpose)).toEqual(['propose:reflect']);
  });

  it('shows the failures on the generation minibatch first, however many others the parent has', async () => {
    const train = prepared.trainIds!;
    await stack.db.query(
      `INSERT INTO evaluations (run_id, candidate_hash, model, example_id, output, raw_output, score, feedback, split)
       SELECT $1, $2, 'sim-large', id, '{"label":"billing"}', 'x', 0, 'wrong team', 'train' FROM unnest($3::text[]) AS id
       ON CONFLICT (run_id, candidate_hash, model, example_id) DO UPDATE SET score = 0`,
      [runId, seedHash, train.slice(0, 45)],
    );
    const focus = train[44]!;
    const { rows: example } = await stack.db.query<{ ticket: string }>(
      `SELECT inputs->>'ticket' AS ticket FROM examples WHERE run_id = $1 AND example_id = $2`,
      [runId, focus],
    );
    const result = await run(acts.proposeCandidate, {
      runId,
      generation: 2,
      operator: 'reflect',
      parentHashes: [seedHash],
      seed: 11,
      focusIds: [focus],
    });
    expect(result.status).not.toBe('skipped');
    const { rows } = await stack.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM response_cache WHERE strpos(request::text, $1) > 0`,
      [JSON.stringify(example[0]!.ticket).slice(1, -1)],
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });
});
