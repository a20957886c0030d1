import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../infra/chromium.js';
import type { ExportedProgram } from '../../client/export.js';
import { cli, cliEnv, cliInProcess } from '../support/cli.js';
import { useWorkerStack } from '../support/stack.js';

/**
 * The run-management commands against the real stack: the first run as its own process, as a user
 * starts it; the other commands through the CLI's entry in this process (`cliInProcess`), and `watch`
 * in a terminal.
 */
describe('promptevo run management', () => {
  const ctx = useWorkerStack('cli_commands');
  let runId: string;
  beforeAll(async () => {
    runId = `cli-cmd-${Date.now()}`;
    const run = await cli(ctx.stack.config, [
      'run',
      'examples/ticket-routing/task.yaml',
      '--wait',
      '--json',
      '--run-id',
      runId,
    ]);
    expect(run.code, run.stderr).toBe(0);
  });

  it('list shows the run with its status, best score and spend', async () => {
    const listed = await cliInProcess(ctx.stack.config, ['list', '--json', '--task', 'ticket-routing']);
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.stdout) as {
      runId: string;
      workflowStatus: string;
      bestScore: number;
      spendUsd: number;
    }[];
    const entry = entries.find((e) => e.runId === runId);
    expect(entry).toBeDefined();
    expect(entry!.workflowStatus).toBe('COMPLETED');
    expect(entry!.bestScore).toBeGreaterThan(0.5);
    expect(entry!.spendUsd).toBeGreaterThan(0);
    const human = await cliInProcess(ctx.stack.config, ['list']);
    expect(human.stdout).toMatch(/^RUN\s+TASK\s+STATUS/m);
    expect(human.stdout).toContain(runId);
  });

  it('show prints the config, generations, production scores, distillation, spend by model and the best program', async () => {
    const shown = await cliInProcess(ctx.stack.config, ['show', runId]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/generations:\nGEN\s+BEST\s+MEAN/);
    expect(shown.stdout.match(/^\d+\s+\d\.\d{3}/gm)).toHaveLength(6);
    expect(shown.stdout).toMatch(/spend by model:\nMODEL/);
    expect(shown.stdout).toMatch(/production models \(test split\):\nPROGRAM\s+MODEL\s+ACCURACY/);
    const json = JSON.parse((await cliInProcess(ctx.stack.config, ['show', runId, '--json'])).stdout) as {
      generations: unknown[];
      best: { hash: string };
      result: { production: { hash: string; model: string }[] };
    };
    // The seed and up to three finalists, each on both production models: a row each.
    const production = json.result.production;
    const programs = new Set(production.map((p) => p.hash));
    expect(programs.size).toBeGreaterThanOrEqual(2);
    expect(programs.size).toBeLessThanOrEqual(4);
    expect(production).toHaveLength(programs.size * 2);
    expect(
      shown.stdout.match(/^[0-9a-f]{12}\s+sim-(large|small)\s+\d\.\d{3}\s+\d+\s+\d+\s+\d+\s+\d\.\d{4}$/gm),
    ).toHaveLength(production.length);
    expect(shown.stdout).toMatch(/^distillation: threshold 0\.8 on validation (MET|NOT met)/m);
    expect(shown.stdout).toMatch(/--- system ---\n## Task/);
    expect(shown.stdout).toMatch(/--- user ---\nticket: /);
    expect(json.generations).toHaveLength(6);
  });

  it('export writes the winner as a loadable program and as DSPy JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptevo-export-'));
    const out = join(dir, 'program.json');
    expect((await cliInProcess(ctx.stack.config, ['export', runId, '--out', out])).code).toBe(0);
    const program = JSON.parse(readFileSync(out, 'utf8')) as ExportedProgram;
    const { rows } = await ctx.stack.db.query<{ result: { best: { hash: string; test: number } } }>(
      'SELECT result FROM runs WHERE id = $1',
      [runId],
    );
    expect(program.format).toBe('promptevo.program/v1');
    expect(program.hash).toBe(rows[0]!.result.best.hash);
    expect(program.scores.test).toBe(rows[0]!.result.best.test);
    expect(program.system).toMatch(/^## Task/m);
    expect(program.demos.length).toBe(program.genome.demos.length);

    const dspy = JSON.parse((await cliInProcess(ctx.stack.config, ['export', runId, '--format', 'dspy'])).stdout) as {
      self: { signature: { instructions: string; fields: { prefix: string }[] }; demos: Record<string, unknown>[] };
    };
    expect(dspy.self.signature.instructions).toContain(program.genome.sections.task.split('\n')[0]);
    expect(dspy.self.signature.fields.map((f) => f.prefix)).toEqual(['Ticket:', 'Label:']);
    expect(dspy.self.demos).toHaveLength(program.demos.length);

    const bad = await cliInProcess(ctx.stack.config, ['export', runId, '--format', 'yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown --format "yaml"/);
  });

  it('report writes one self-contained HTML file whose charts render in headless Chromium', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptevo-report-'));
    const out = join(dir, 'report.html');
    const made = await cliInProcess(ctx.stack.config, ['report', runId, '--out', out]);
    expect(made.code, made.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(runId);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const external: string[] = [];
      await page.route('**/*', async (route) => {
        if (route.request().url().startsWith('file://')) return route.continue();
        external.push(route.request().url());
        return route.abort();
      });
      await page.goto(`file://${out}`);
      await page.waitForSelector('body[data-charts-rendered="2"]', { timeout: 30_000 });
      expect(external).toEqual([]);
      expect(await page.locator('canvas[data-chart="fitness"]').count()).toBe(1);
      expect(await page.locator('canvas[data-chart="spend"]').count()).toBe(1);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('ui prints the Temporal UI address of a run and of a generation', async () => {
    const run = await cliInProcess(ctx.stack.config, ['ui', runId]);
    expect(run.stdout.trim()).toBe(`${ctx.stack.config.TEMPORAL_UI_URL}/namespaces/default/workflows/run-${runId}`);
    const gen = await cliInProcess(ctx.stack.config, ['ui', runId, '--generation', '3']);
    expect(gen.stdout.trim()).toMatch(new RegExp(`/workflows/run-${runId}-gen-003$`));
  });

  it('pause, resume, extend-budget, stop and cancel act on a live run', async () => {
    const live = `cli-live-${Date.now()}`;
    const dir = mkdtempSync(join(tmpdir(), 'promptevo-live-'));
    // A longer run so there is time to act on it.
    const task = readFileSync('examples/ticket-routing/task.yaml', 'utf8')
      .replace('generations: 5', 'generations: 40')
      .replace('path: data.jsonl', `path: ${join(process.cwd(), 'examples/ticket-routing/data.jsonl')}`);
    writeFileSync(join(dir, 'task.yaml'), task);
    expect((await cliInProcess(ctx.stack.config, ['run', join(dir, 'task.yaml'), '--run-id', live])).code).toBe(0);
    expect((await cliInProcess(ctx.stack.config, ['pause', live])).stdout).toContain(`pause: sent to run ${live}`);
    const statusOf = async (): Promise<{ status: string }> =>
      JSON.parse((await cliInProcess(ctx.stack.config, ['status', live, '--json'])).stdout) as { status: string };
    while ((await statusOf()).status !== 'paused') await new Promise((r) => setTimeout(r, 200));
    expect((await cliInProcess(ctx.stack.config, ['resume', live])).code).toBe(0);
    const extended = await cliInProcess(ctx.stack.config, ['extend-budget', live, '--usd', '2', '--json']);
    expect(extended.code).toBe(0);
    const none = await cliInProcess(ctx.stack.config, ['extend-budget', live]);
    expect(none.code).toBe(2);
    expect((await cliInProcess(ctx.stack.config, ['stop', live])).code).toBe(0);
    const stopped = (await ctx.stack.client.workflow.getHandle(`run-${live}`).result()) as {
      status: string;
      generations: number;
    };
    expect(stopped.status).toBe('stopped');
    expect(stopped.generations).toBeLessThan(40);
    // A second live run is cancelled outright.
    const doomed = `cli-cancel-${Date.now()}`;
    expect((await cliInProcess(ctx.stack.config, ['run', join(dir, 'task.yaml'), '--run-id', doomed])).code).toBe(0);
    expect((await cliInProcess(ctx.stack.config, ['cancel', doomed])).code).toBe(0);
    const handle = ctx.stack.client.workflow.getHandle(`run-${doomed}`);
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });

  it('watch, in a terminal, shows a progress bar that moves while the run works', async () => {
    const live = `cli-watch-${Date.now()}`;
    expect(
      (await cliInProcess(ctx.stack.config, ['run', 'examples/ticket-routing/task.yaml', '--run-id', live])).code,
    ).toBe(0);
    const session = `promptevo-watch-${Date.now()}`;
    const env = cliEnv(ctx.stack.config);
    const exports = ['TEMPORAL_ADDRESS', 'TEMPORAL_TASK_QUEUE', 'PROMPTEVO_DB_SCHEMA', 'DATABASE_URL']
      .map((k) => `${k}='${env[k]}'`)
      .join(' ');
    execFileSync('tmux', [
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '160',
      '-y',
      '10',
      `${exports} ${process.execPath} bin/promptevo.js watch ${live} --interval 200; sleep 30`,
    ]);
    const screens = new Set<string>();
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session]).toString();
        const bar = screen.split('\n').find((l) => l.includes('evaluations'));
        if (bar) screens.add(bar.trim());
        if (screen.includes(`run ${live} finished`)) break;
        if (Date.now() > deadline) throw new Error(`watch did not finish; last screen:\n${screen}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      execFileSync('tmux', ['kill-session', '-t', session]);
    }
    const bars = [...screens];
    expect(bars.length).toBeGreaterThanOrEqual(3); // the bar changed at least twice
    expect(bars.some((b) => /gen \d+\/5/.test(b) && /█|░/.test(b))).toBe(true);
  });
  // Last: it rewrites the stored answers of the run the other tests read.
  it('show and report warn when the best gives one answer to every validation example', async () => {
    const before = await cliInProcess(ctx.stack.config, ['show', runId]);
    expect(before.stdout).not.toContain('ONE ANSWER');
    const { rows } = await ctx.stack.db.query<{ best: string }>(
      "SELECT result->'best'->>'hash' AS best FROM runs WHERE id = $1",
      [runId],
    );
    // What a model that ignores its input leaves behind: the same answer on every validation example.
    await ctx.stack.db.query(
      `UPDATE evaluations v SET output = '{"label":"billing"}'::jsonb FROM examples e
        WHERE v.run_id = $1 AND v.candidate_hash = $2 AND e.run_id = v.run_id AND e.example_id = v.example_id AND e.split = 'val'`,
      [runId, rows[0]!.best],
    );
    const after = await cliInProcess(ctx.stack.config, ['show', runId]);
    expect(after.stdout).toMatch(
      /ONE ANSWER: The best program gives the same answer, \{"label":"billing"\}, to (\d+) of \1 validation examples, which expect it \d+% of the time/,
    );
    const out = join(mkdtempSync(join(tmpdir(), 'promptevo-report-')), 'report.html');
    expect((await cliInProcess(ctx.stack.config, ['report', runId, '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('data-summary="constant-answer"');
  });
});
