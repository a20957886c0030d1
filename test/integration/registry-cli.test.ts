import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { GatedPromotionRequest } from '../../client/registry/gated.js';
import type { Genome } from '../../core/genome/genome.js';
import { labelMove } from '../../core/registry/label-move.js';
import { versionHash, type VersionContent } from '../../core/registry/version.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import { insertRun } from '../../storage/runs.js';
import { moveLabel } from '../../storage/registry.js';
import type { RunResult } from '../../contracts/index.js';
import { cli, cliInProcess, type CliResult } from '../support/cli.js';
import { runExample } from '../support/runs.js';
import { useWorkerStack } from '../support/stack.js';
import type { PublishOutcome } from '../../client/registry/publish.js';

// The gated promotion itself is tested where it is built; here only what `promote` hands it.
const gated = vi.hoisted(() => ({ requests: [] as unknown[] }));
vi.mock('../../client/registry/gated.js', () => ({
  runGatedPromotion: (_client: unknown, request: unknown) => {
    gated.requests.push(request);
    return Promise.resolve({
      promotionId: 'promote-test-1',
      status: 'refused',
      labelMoved: false,
      message: 'refused: not significant',
    });
  },
}));

/** Two generations and a distillation without rounds of evolution: a finished run with a student, quickly. */
const small = (spec: TaskSpec): TaskSpec => ({
  ...spec,
  search: { ...spec.search, generations: 2 },
  distill: { threshold: 0.8, maxRounds: 0, budget: {} },
});

/** What `registry publish --json` prints. */
type Published = PublishOutcome;

interface Shown {
  reference: string;
  version: number;
  hash: string;
  content: VersionContent;
  endpoint: Record<string, unknown>;
  instruction: string;
  demoCount: number;
  labels: string[];
  createdBy: string;
  source: Published['source'];
}

interface Move {
  label: string;
  from: number | null;
  to: number;
  how: string;
  by: string;
  reason: string | null;
}

/**
 * The registry commands against the real stack: the first publish as a separate process, as a user
 * runs it; the others through the CLI's entry in this process (`cliInProcess`).
 */
describe('promptevo registry', () => {
  const ctx = useWorkerStack('registry_cli');
  const name = `seller-score-${Math.random().toString(36).slice(2, 8)}`;
  const runId = `registry-${Date.now()}`;
  let result: RunResult;
  /** A candidate of the run other than its best: the seed, unless the seed won. */
  let otherHash: string;

  const run = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
    cliInProcess(ctx.stack.config, ['registry', ...args], { PROMPTEVO_IDENTITY: 'release-bot', ...env });
  async function json<T>(args: string[], env?: Record<string, string>): Promise<T> {
    const r = await run([...args, '--json'], env);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout) as T;
  }

  beforeAll(async () => {
    result = await runExample(ctx.stack, runId, small);
    expect(result.distill).toBeDefined();
    if (result.baseline.hash !== result.best.hash) otherHash = result.baseline.hash;
    else {
      const { rows } = await ctx.stack.db.query<{ hash: string }>(
        'SELECT hash FROM candidates WHERE run_id = $1 AND hash <> $2 ORDER BY hash LIMIT 1',
        [runId, result.best.hash],
      );
      otherHash = rows[0]!.hash;
    }
  });

  it("publishes the run's best as version 1, and the same content again as the same version", async () => {
    // As a user runs it, in a process of its own; the other commands run the CLI's entry in this one.
    const spawned = await cli(ctx.stack.config, ['registry', 'publish', runId, '--name', name, '--json'], {
      PROMPTEVO_IDENTITY: 'release-bot',
    });
    expect(spawned.code, spawned.stderr).toBe(0);
    const first = JSON.parse(spawned.stdout) as Published;
    expect(first).toMatchObject({ name, version: 1, reference: `${name}:1`, created: true, createdBy: 'release-bot' });
    expect(first.model).toBe('sim-large');
    expect(first.source).toMatchObject({
      runId,
      candidateHash: result.best.hash,
      kind: 'best',
      task: 'ticket-routing',
      scores: { val: result.best.val, test: result.best.test },
    });
    expect(first.source.datasetHash).toMatch(/^[0-9a-f]{64}$/);
    const { rows } = await ctx.stack.db.query<{ n: string }>(
      `SELECT count(DISTINCT inputs) AS n FROM examples WHERE run_id = $1 AND split <> 'test'`,
      [runId],
    );
    expect(first.source.optimizedOn).toHaveLength(Number(rows[0]!.n));

    const again = await run(['publish', runId, '--name', name, '--by', 'someone-else']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^${name}:1 already holds this content`, 'm'));
    const againJson = await json<Published>(['publish', runId, '--name', name]);
    expect(againJson).toMatchObject({ version: 1, created: false, hash: first.hash, createdBy: 'release-bot' });
  });

  it('stores the version self-contained: trace demos only, the model id and decoding, and its content hash', async () => {
    const shown = await json<Shown>(['show', `${name}:1`]);
    expect(shown.content.genome.demos.every((d: Genome['demos'][number]) => d.kind === 'trace')).toBe(true);
    expect(shown.demoCount).toBe(shown.content.genome.demos.length);
    expect(shown.content.model).toBe('sim-large');
    expect(shown.content.decoding).toEqual({ temperature: 0, structuredOutput: true });
    expect(versionHash(shown.content)).toBe(shown.hash);
    expect(shown.endpoint).toMatchObject({ model: 'sim-large' });
    expect(shown.instruction).toMatch(/^## Task/m);
    const human = await run(['show', `${name}:1`]);
    expect(human.stdout).toMatch(new RegExp(`^${name}:1  hash [0-9a-f]{16}`));
    expect(human.stdout).toMatch(/^ {2}model sim-large at http/m);
    expect(human.stdout).toMatch(/--- instruction ---\n## Task/);
  });

  it('publishes another candidate by hash with a label, and the distilled student', async () => {
    const second = await json<Published>(['publish', runId, '--name', name, '--hash', otherHash, '--label', 'staging']);
    expect(second).toMatchObject({
      version: 2,
      created: true,
      source: { kind: 'candidate', candidateHash: otherHash },
      label: { label: 'staging', from: null, to: 2, moved: true },
    });
    // The short hash the CLI prints names the same candidate.
    const again = await json<Published>([
      'publish',
      runId,
      '--name',
      name,
      '--hash',
      otherHash.slice(0, 12),
      '--label',
      'staging',
    ]);
    expect(again).toMatchObject({
      version: 2,
      created: false,
      source: { candidateHash: otherHash },
      label: { label: 'staging', from: 2, to: 2, moved: false },
    });
    const student = await json<Published>(['publish', runId, '--name', name, '--distilled']);
    expect(student).toMatchObject({
      version: 3,
      created: true,
      model: 'sim-small',
      source: {
        kind: 'distilled',
        candidateHash: result.distill!.student.hash,
        scores: { val: result.distill!.student.valAccuracy },
      },
    });
    const atStaging = await json<Shown>(['show', `${name}@staging`]);
    expect(atStaging).toMatchObject({ version: 2, labels: ['staging'] });
  });

  it('lists names and shows a name with its versions and labels', async () => {
    const names = await json<{ name: string; versions: number; latest: number; labels: Record<string, number> }[]>([
      'list',
    ]);
    expect(names.find((n) => n.name === name)).toMatchObject({ versions: 3, latest: 3, labels: { staging: 2 } });
    const view = await json<{ labels: Record<string, number>; versions: { version: number; kind: string }[] }>([
      'show',
      name,
    ]);
    expect(view.labels).toEqual({ staging: 2 });
    expect(view.versions.map((v) => [v.version, v.kind])).toEqual([
      [1, 'best'],
      [2, 'candidate'],
      [3, 'distilled'],
    ]);
    const human = await run(['list']);
    expect(human.stdout).toMatch(new RegExp(`^${name}\\s+3\\s+3\\s+staging→2`, 'm'));
  });

  it('diffs two versions: instruction sections, demos, model and scores', async () => {
    const same = await json<{ identical: boolean }>(['diff', `${name}:1`, `${name}:1`]);
    expect(same.identical).toBe(true);
    const diff = await json<{
      identical: boolean;
      model: { from: string; to: string } | null;
      scores: { from: { val: number | null }; to: { val: number | null } };
      sections: { section: string; lines: { op: string }[] }[];
      demos: { added: unknown[]; removed: unknown[]; kept: number };
    }>(['diff', `${name}:1`, `${name}:3`]);
    expect(diff.identical).toBe(false);
    expect(diff.model).toEqual({ from: 'sim-large', to: 'sim-small' });
    expect(diff.scores.from.val).toBe(result.best.val);
    expect(diff.scores.to.val).toBe(result.distill!.student.valAccuracy);
    const human = await run(['diff', `${name}:1`, `${name}:3`]);
    expect(human.stdout).toMatch(new RegExp(`^${name}:1 → ${name}:3\\n`));
    expect(human.stdout).toMatch(/^model: sim-large → sim-small$/m);
    expect(human.stdout).toMatch(/^scores \(as published\): val \d\.\d{3} → \d\.\d{3}/m);
  });

  it('sets production the first time without a gate, forces a recorded move, refuses production on publish, and rolls back', async () => {
    const first = await json<Move>(['promote', `${name}:1`, '--reason', 'first release']);
    expect(first).toMatchObject({ label: 'production', from: null, to: 1, how: 'first', by: 'release-bot' });
    const same = await run(['promote', `${name}:1`]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/already points at version 1; nothing to promote/);

    const forced = await json<Move>(['promote', `${name}@staging`, '--force', '--by', 'alice', '--reason', 'hotfix']);
    expect(forced).toMatchObject({ from: 1, to: 2, how: 'force', by: 'alice', reason: 'hotfix' });
    expect((await json<Shown>(['show', name + '@production'])).version).toBe(2);

    const refused = await run(['publish', runId, '--name', name, '--distilled', '--label', 'production']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/production is already set \(version 2\).*registry promote/);

    const back = await json<Move>(['rollback', name, '--reason', 'incident 42']);
    expect(back).toMatchObject({ label: 'production', from: 2, to: 1, how: 'rollback', by: 'release-bot' });
    expect((await json<Shown>(['show', `${name}@production`])).version).toBe(1);
    const human = await run(['rollback', name, '--to', '3', '--by', 'bob']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^${name}@production: version 1 → version 3 \\(rollback, by bob\\)`));

    const moves = await json<Move[]>(['history', name]);
    expect(moves.map((m) => [m.label, m.from, m.to, m.how, m.by])).toEqual([
      ['staging', null, 2, 'publish', 'release-bot'],
      ['production', null, 1, 'first', 'release-bot'],
      ['production', 1, 2, 'force', 'alice'],
      ['production', 2, 1, 'rollback', 'release-bot'],
      ['production', 1, 3, 'rollback', 'bob'],
    ]);
    expect(moves[2]!.reason).toBe('hotfix');
    expect(await json<Move[]>(['history', name, '--label', 'staging'])).toHaveLength(1);
    const table = await run(['history', name]);
    expect(table.stdout).toMatch(/^WHEN\s+LABEL\s+FROM\s+TO\s+HOW\s+BY\s+REASON/);
    expect(table.stdout).toMatch(/production\s+1\s+2\s+force\s+alice\s+hotfix/);
  });

  it('sends a later move through the gate with its options, and exits 1 when the gate refuses', async () => {
    const sent = await run([
      'promote',
      `${name}@staging`,
      '--dataset',
      'holdout.jsonl',
      '--alpha',
      '0.01',
      '--min-effect',
      '0.05',
      '--min-n',
      '40',
      '--no-wait',
      '--reason',
      'weekly',
      '--json',
    ]);
    expect(sent.code).toBe(1);
    expect(gated.requests).toEqual([
      {
        name,
        label: 'production',
        challenger: 2,
        champion: 3,
        datasetPath: 'holdout.jsonl',
        by: 'release-bot',
        reason: 'weekly',
        alpha: 0.01,
        minEffect: 0.05,
        minN: 40,
        wait: false,
      } satisfies GatedPromotionRequest,
    ]);
    expect(JSON.parse(sent.stdout)).toMatchObject({ promotionId: 'promote-test-1', status: 'refused' });
    expect((await json<Shown>(['show', `${name}@production`])).version).toBe(3);
    const bad = await run(['promote', `${name}@staging`, '--alpha', '0.7']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--alpha must be a number between 0 and 0\.5, got "0\.7"/);
  });

  it('of two compare-and-swap moves from the same version exactly one wins', async () => {
    const at = (await json<Shown>(['show', `${name}@production`])).version;
    const outcomes = await Promise.all(
      [1, 2, 3]
        .filter((to) => to !== at)
        .map((to) =>
          moveLabel(ctx.stack.db, labelMove(name, 'production', at, to), { how: 'force', by: `racer-${to}` }),
        ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const loser = outcomes.find((o) => !o.ok) as { ok: false; current: number; message: string };
    const winner = (await json<Shown>(['show', `${name}@production`])).version;
    expect(loser.current).toBe(winner);
    expect(loser.message).toMatch(/refused: expected .*@production at version \d+, but it points at version \d+/);
    const { rows } = await ctx.stack.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM registry_label_moves WHERE name = $1 AND moved_by LIKE 'racer-%'`,
      [name],
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('says what is wrong for an unknown run, hash, name, version or label, a bad name and an unfinished run', async () => {
    const cases: [string[], number, RegExp][] = [
      [['publish', 'no-such-run', '--name', name], 3, /no run "no-such-run" in the database/],
      [['publish', runId, '--name', name, '--hash', 'f'.repeat(64)], 3, /has no candidate f{64}/],
      [['publish', runId, '--name', 'bad name!'], 2, /prompt name "bad name!" must start with a letter or digit/],
      [['publish', runId, '--name', name, '--hash', otherHash, '--distilled'], 2, /--hash or --distilled, not both/],
      [['show', `${name}:99`], 3, new RegExp(`${name} has no version 99; its versions are 1 to 3`)],
      [['show', `${name}@canary`], 3, /has no label "canary" \(its labels: production, staging\)/],
      [['show', 'no-such-name'], 3, /no prompt named "no-such-name" in the registry/],
      [['promote', `${name}:99`, '--force'], 3, /has no version 99/],
      [['promote', name], 2, /names no version to promote/],
      [['rollback', name, '--label', 'canary'], 3, /has no label "canary"/],
      [['rollback', name, '--label', 'staging'], 2, /never pointed at another version/],
    ];
    for (const [args, code, message] of cases) {
      const r = await run(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(message);
    }

    const down = await run(['list'], { DATABASE_URL: 'postgres://promptevo:not-the-password@127.0.0.1:1/promptevo' });
    expect(down.code).toBe(4);
    expect(down.stderr).toMatch(/cannot reach PostgreSQL at postgres:\/\/promptevo:\*\*\*@127\.0\.0\.1:1\/promptevo/);
    expect(down.stderr).not.toContain('not-the-password');

    // A candidate made by distillation was scored on the student: it is published as the distilled student.
    const { rows: distilled } = await ctx.stack.db.query<{ hash: string }>(
      `SELECT hash FROM candidates WHERE run_id = $1 AND stage = 'distill' LIMIT 1`,
      [runId],
    );
    expect(distilled).toHaveLength(1);
    const viaHash = await run(['publish', runId, '--name', name, '--hash', distilled[0]!.hash]);
    expect(viaHash.code).toBe(2);
    expect(viaHash.stderr).toMatch(/was made by distillation .* publish the run's distilled student with --distilled/);

    const unfinished = `registry-unfinished-${Date.now()}`;
    const { rows } = await ctx.stack.db.query<{ spec: TaskSpec }>('SELECT spec FROM runs WHERE id = $1', [runId]);
    await insertRun(ctx.stack.db, {
      runId: unfinished,
      taskName: 'ticket-routing',
      taskFile: 'examples/ticket-routing/task.yaml',
      datasetPath: 'examples/ticket-routing/data.jsonl',
      spec: rows[0]!.spec,
      seed: 1,
    });
    const r = await run(['publish', unfinished, '--name', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`run ${unfinished} has not finished \\(status running\\)`));
  });

  it('keeps versions when their run is deleted', async () => {
    const before = await json<Shown>(['show', `${name}:1`]);
    await ctx.stack.db.query('DELETE FROM runs WHERE id = $1', [runId]);
    const { rows } = await ctx.stack.db.query<{ n: string }>('SELECT count(*) AS n FROM candidates WHERE run_id = $1', [
      runId,
    ]);
    expect(Number(rows[0]!.n)).toBe(0);
    const after = await json<Shown>(['show', `${name}:1`]);
    expect(after).toEqual(before);
    expect((await json<{ identical: boolean }>(['diff', `${name}:1`, `${name}:2`])).identical).toBe(false);
    const gone = await run(['publish', runId, '--name', name]);
    expect(gone.code).toBe(3);
  });
});
