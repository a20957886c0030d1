import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptevoClient } from '../../client/api.js';
import { loadTaskFile } from '../../client/task-file.js';
import { cli } from '../support/cli.js';
import { openTestStack, type TestStack } from '../support/stack.js';
import type { DistillResult, RunResult } from '../../contracts/index.js';

/**
 * The whole path on the real stack: client → Temporal → worker → model server (simulated
 * backend, through the openai client) → PostgreSQL, for the example task the quickstart runs.
 */
describe('optimization run end to end', () => {
  let stack: TestStack;
  let result: RunResult;

  beforeAll(async () => {
    stack = await openTestStack('e2e');
    const worker = await stack.startWorker();
    const client = new PromptevoClient(stack.client, stack.config);
    const task = loadTaskFile('examples/ticket-routing/task.yaml');
    result = await worker.runUntil(async () => {
      const started = await client.startTask(task, { runId: `e2e-${Date.now()}` });
      return client.waitForResult(started.runId);
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('beats the seed prompt on the held-out test split by at least 0.15 accuracy', () => {
    console.info(
      `e2e: seed test ${result.baseline.test?.toFixed(3)} → best test ${result.best.test?.toFixed(3)} ` +
        `(${result.modelCalls} paid calls, $${result.costUsd.toFixed(4)})`,
    );
    expect(result.status).toBe('completed');
    expect(result.baseline.test).not.toBeNull();
    expect(result.best.test).not.toBeNull();
    expect(result.best.test! - result.baseline.test!).toBeGreaterThanOrEqual(0.15);
    expect(result.best.hash).not.toBe(result.baseline.hash);
    expect(result.generations).toBe(5);
  });

  it('reports the numbers PostgreSQL holds', async () => {
    const { rows: runs } = await stack.db.query<{ status: string; result: RunResult }>(
      'SELECT status, result FROM runs WHERE id = $1',
      [result.runId],
    );
    expect(runs[0]!.status).toBe('completed');
    expect(runs[0]!.result.best).toEqual(result.best);

    const { rows: calls } = await stack.db.query<{ paid: string; cached: string; tokens: string; cost: number }>(
      `SELECT count(*) FILTER (WHERE NOT cached) AS paid, count(*) FILTER (WHERE cached) AS cached,
              sum(prompt_tokens + completion_tokens) FILTER (WHERE NOT cached) AS tokens, sum(cost_usd) AS cost
         FROM model_calls WHERE run_id = $1`,
      [result.runId],
    );
    expect(result.modelCalls).toBe(Number(calls[0]!.paid));
    expect(result.cachedCalls).toBe(Number(calls[0]!.cached));
    expect(result.tokens).toBe(Number(calls[0]!.tokens));
    expect(result.costUsd).toBeCloseTo(calls[0]!.cost, 9);
    expect(result.modelCalls).toBeGreaterThan(100);
    const perModel = Object.values(result.spendByModel);
    expect(perModel.reduce((n, m) => n + m.calls, 0)).toBe(result.modelCalls);
    expect(perModel.reduce((n, m) => n + m.costUsd, 0)).toBeCloseTo(result.costUsd, 9);
    // Production scoring and distillation are the only users of the small model.
    expect(Object.keys(result.spendByModel).sort()).toEqual(['sim-large', 'sim-small']);

    // The best program's test score is the mean of its stored per-example test evaluations.
    const { rows: test } = await stack.db.query<{ mean: number; n: string }>(
      `SELECT avg(v.score) AS mean, count(*) AS n FROM evaluations v
         JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id AND e.split = 'test'
        WHERE v.run_id = $1 AND v.candidate_hash = $2 AND v.model = 'sim-large'`,
      [result.runId, result.best.hash],
    );
    expect(Number(test[0]!.n)).toBeGreaterThan(0);
    expect(result.best.test).toBeCloseTo(test[0]!.mean, 3);

    const { rows: generations } = await stack.db.query<{ generation: number }>(
      `SELECT generation FROM generations WHERE run_id = $1 AND stage = 'evolve' ORDER BY generation`,
      [result.runId],
    );
    expect(generations.map((g) => g.generation)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('lists the run and one workflow per generation under the run id search attribute', async () => {
    const ids: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `PromptEvoRunId = '${result.runId}'` }))
      ids.push(wf.workflowId);
    expect(ids.sort()).toEqual(
      [
        `run-${result.runId}`,
        `run-${result.runId}-distill`,
        ...Array.from({ length: result.distill?.rounds ?? 0 }, (_, i) => `run-${result.runId}-distill-gen-00${i + 1}`),
        ...[0, 1, 2, 3, 4, 5].map((g) => `run-${result.runId}-gen-${String(g).padStart(3, '0')}`),
      ].sort(),
    );
  });

  it('scores the seed and the finalists on every production model: accuracy, tokens, latency, cost per 1,000 calls', async () => {
    const production = result.production;
    console.info(
      'production: ' +
        production
          .map((p) => `${p.hash.slice(0, 8)}@${p.model} ${p.accuracy.toFixed(3)} $${p.costPer1kUsd.toFixed(4)}/1k`)
          .join(', '),
    );
    const programs = [result.baseline.hash, ...result.finalists.map((f) => f.hash)];
    expect(production.map((p) => `${p.hash}@${p.model}`).sort()).toEqual(
      [...new Set(programs)].flatMap((h) => [`${h}@sim-large`, `${h}@sim-small`]).sort(),
    );
    for (const p of production) {
      expect(p.examples).toBe(90);
      expect(p.promptTokensPerCall).toBeGreaterThan(0);
      expect(p.latencyMsMean).toBeGreaterThan(0);
      expect(p.costPer1kUsd).toBeGreaterThan(0);
    }
    // The best program's accuracy on the dev model is its test score.
    const on = (hash: string, model: string) => production.find((p) => p.hash === hash && p.model === model)!;
    expect(on(result.best.hash, 'sim-large').accuracy).toBeCloseTo(result.best.test!, 3);
    // Same prompt, a tenth of the price per token; only the answers' lengths differ.
    const ratio = on(result.best.hash, 'sim-small').costPer1kUsd / on(result.best.hash, 'sim-large').costPer1kUsd;
    expect(ratio).toBeGreaterThan(0.09);
    expect(ratio).toBeLessThan(0.11);
    const { rows } = await stack.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM program_scores WHERE run_id = $1 AND purpose = 'production' AND split = 'test'`,
      [result.runId],
    );
    expect(Number(rows[0]!.n)).toBe(production.length);
  });

  it('distils the winner into the small model: below the threshold with the seed prompt, above it after', async () => {
    const d = result.distill!;
    const threshold = d.threshold;
    console.info(
      `distill: seed on sim-small test ${result.production.find((p) => p.hash === result.baseline.hash && p.model === 'sim-small')!.accuracy.toFixed(3)}; ` +
        `student val ${d.studentBaselineVal.toFixed(3)} (teacher's prompt) → ${d.student.valAccuracy.toFixed(3)} after ${d.rounds} round(s), threshold ${threshold}; ` +
        `test teacher ${d.teacher.test?.accuracy.toFixed(3)} vs student ${d.student.test?.accuracy.toFixed(3)}; ` +
        `$/1k teacher ${d.teacher.test?.costPer1kUsd.toFixed(4)} vs student ${d.student.test?.costPer1kUsd.toFixed(4)}`,
    );
    // With the seed prompt the small model is below the threshold, which the large model's winner clears.
    const seedOnSmall = await stack.db.query<{ val: number }>(
      `SELECT avg(v.score) AS val FROM evaluations v JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id
        WHERE v.run_id = $1 AND v.candidate_hash = $2 AND v.model = 'sim-small' AND e.split = 'test'`,
      [result.runId, result.baseline.hash],
    );
    expect(seedOnSmall.rows[0]!.val).toBeLessThan(threshold);
    expect(result.best.val!).toBeGreaterThanOrEqual(threshold);
    // After distillation the student clears it on validation, and both test scores are reported.
    expect(d.thresholdMet).toBe(true);
    expect(d.ended).toBe('threshold_met');
    expect(d.student.model).toBe('sim-small');
    expect(d.student.valAccuracy).toBeGreaterThanOrEqual(threshold);
    expect(d.teacher.test!.accuracy).toBeCloseTo(result.best.test!, 3);
    expect(d.student.test!.examples).toBe(90);
    expect(d.student.test!.costPer1kUsd).toBeLessThan(d.teacher.test!.costPer1kUsd);
    expect(d.demoPool).toBeGreaterThan(0);
    expect(d.spend.calls).toBeGreaterThan(0);
    const stored = await stack.db.query<{ status: string; result: { thresholdMet: boolean } }>(
      'SELECT status, result FROM distillations WHERE run_id = $1',
      [result.runId],
    );
    expect(stored.rows[0]).toMatchObject({ status: 'threshold_met', result: { thresholdMet: true } });
  });

  it('with a threshold the student cannot reach, ends with thresholdMet false and the best student, not an error', async () => {
    const worker = await stack.startWorker();
    const run = await worker.runUntil(
      cli(stack.config, ['distill', result.runId, '--threshold', '0.99', '--max-rounds', '2', '--wait', '--json']),
    );
    expect(run.code, run.stderr).toBe(0);
    const d = JSON.parse(run.stdout) as DistillResult;
    console.info(
      `unreachable: student val ${d.student.valAccuracy.toFixed(3)} after ${d.rounds} rounds, $${d.spend.costUsd.toFixed(4)}`,
    );
    expect(d.thresholdMet).toBe(false);
    expect(d.ended).toBe('max_rounds');
    expect(d.rounds).toBe(2);
    expect(d.student.valAccuracy).toBeLessThan(0.99);
    // The best student is at least as good as where it started, and it is scored on test.
    expect(d.student.valAccuracy).toBeGreaterThanOrEqual(Math.max(d.studentBaselineVal, d.studentBootstrappedVal));
    expect(d.student.test!.accuracy).toBeGreaterThan(0);
    const rounds = await stack.db.query<{ generation: number }>(
      `SELECT generation FROM generations WHERE run_id = $1 AND stage = 'distill' ORDER BY generation`,
      [result.runId],
    );
    expect(rounds.rows.map((r) => r.generation)).toEqual([1, 2]);
  });

  it('distils a costlier program (think, then a vote of 5 samples) into one direct call on the same model', async () => {
    const worker = await stack.startWorker();
    const run = await worker.runUntil(
      cli(stack.config, [
        'distill',
        result.runId,
        ...['--teacher', 'sim-small', '--student', 'sim-small', '--threshold', '0.8', '--max-rounds', '1'],
        ...['--teacher-think', '--teacher-samples', '5', '--wait', '--json'],
      ]),
    );
    expect(run.code, run.stderr).toBe(0);
    const d = JSON.parse(run.stdout) as DistillResult;
    console.info(
      `program teacher: ${d.teacher.program} test ${d.teacher.test?.accuracy.toFixed(3)} $${d.teacher.test?.costPer1kUsd.toFixed(4)}/1k → ` +
        `student test ${d.student.test?.accuracy.toFixed(3)} $${d.student.test?.costPer1kUsd.toFixed(4)}/1k`,
    );
    expect(d.teacher.program).toBe('think, then answer, majority of 5 samples at temperature 0.7');
    expect(d.teacher.test!.model).toBe('sim-small:vote5@t0.7');
    expect(d.teacher.hash).not.toBe(result.best.hash);
    expect(d.student.program).toBe('one direct call');
    // Five samples per answer: the teacher costs several times what one direct call costs.
    expect(d.teacher.test!.costPer1kUsd).toBeGreaterThan(3 * d.student.test!.costPer1kUsd);
    expect(typeof d.thresholdMet).toBe('boolean');
  });

  it('never shows a test-split input to the meta model or in a demo, through evolution and every distillation', async () => {
    // Identical inputs share a split (data.split.groupRepeats), but the example dataset has a few
    // ticket texts inside longer ones: a test text that is part of a train or validation input may
    // be shown with that input.
    const { rows: inputs } = await stack.db.query<{ split: string; text: string }>(
      `SELECT split, inputs->>'ticket' AS text FROM examples WHERE run_id = $1`,
      [result.runId],
    );
    const seen = inputs.filter((e) => e.split !== 'test').map((e) => e.text);
    const testInputs = inputs.filter((e) => e.split === 'test' && !seen.some((text) => text.includes(e.text)));
    expect(testInputs.length).toBeGreaterThanOrEqual(70);
    const { rows: requests } = await stack.db.query<{
      purpose: string;
      messages: { role: string; content: string }[];
    }>(
      `SELECT m.purpose, c.request->'messages' AS messages
         FROM model_calls m JOIN response_cache c ON c.key = m.request_key WHERE m.run_id = $1`,
      [result.runId],
    );
    const meta = requests.filter((r) => r.purpose.includes('propose:'));
    const task = requests.filter((r) => !r.purpose.includes('propose:'));
    // Meta requests in evolution and in distillation, each showing train examples.
    expect(meta.length).toBeGreaterThanOrEqual(5);
    expect(meta.some((r) => r.purpose.startsWith('distill:'))).toBe(true);
    expect(meta.some((r) => !r.purpose.startsWith('distill:'))).toBe(true);
    expect(task.length).toBeGreaterThan(100);
    // Test inputs reach the task model only as the one example being answered (the last user message).
    expect(task.some((r) => testInputs.some((t) => r.messages.at(-1)!.content.includes(t.text)))).toBe(true);
    const leaks: string[] = [];
    for (const r of requests) {
      const shown = meta.includes(r) ? r.messages : r.messages.slice(0, -1);
      const text = shown.map((m) => m.content).join('\n');
      for (const t of testInputs) if (text.includes(t.text)) leaks.push(`${r.purpose}: ${t.text.slice(0, 60)}`);
    }
    expect(leaks.slice(0, 5)).toEqual([]);
    expect(leaks).toHaveLength(0);
    // Every stored evaluation knows its split, and reflection read failures on train only.
    const { rows: splits } = await stack.db.query<{ split: string | null; n: string }>(
      'SELECT split, count(*) AS n FROM evaluations WHERE run_id = $1 GROUP BY split ORDER BY split',
      [result.runId],
    );
    expect(splits.map((r) => r.split)).toEqual(['test', 'train', 'val']);
  });
});
