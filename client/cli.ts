import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../platform/config.js';
import { PromptevoClient } from './api.js';
import { CliError, connectClient, EXIT } from './connection.js';
import type { RunResult, RunStatusView } from '../workflows/run.js';

function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

async function withClient<T>(fn: (client: PromptevoClient) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const temporal = await connectClient(config);
  try {
    return await fn(new PromptevoClient(temporal, config));
  } finally {
    await temporal.connection.close();
  }
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`expected an integer, got "${value}"`, EXIT.usage);
  return n;
}

const score = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.toFixed(3));

function formatResult(r: RunResult): string {
  return [
    `run ${r.runId}: ${r.status} after ${r.generations} generation(s)`,
    `  baseline (seed)  val ${score(r.baseline.val)}  test ${score(r.baseline.test)}  ${r.baseline.hash.slice(0, 12)}`,
    `  best             val ${score(r.best.val)}  test ${score(r.best.test)}  ${r.best.hash.slice(0, 12)} (${r.best.operator})`,
    `  model calls ${r.modelCalls} paid, ${r.cachedCalls} from cache; ${r.tokens} tokens; $${r.costUsd.toFixed(4)}`,
  ].join('\n');
}

function formatStatus(s: RunStatusView): string {
  return [
    `run ${s.runId} (${s.task}): ${s.status}, phase ${s.phase}, generation ${Math.max(0, s.generation)}/${s.generations}`,
    `  best ${s.best ? `${score(s.best.score)} ${s.best.hash.slice(0, 12)}` : 'n/a'}  mean ${score(s.meanScore)}`,
    `  spend: ${s.spend.calls} calls (+${s.spend.cachedCalls} cached), ${s.spend.tokens} tokens, $${s.spend.costUsd.toFixed(4)}`,
  ].join('\n');
}

export function buildProgram(): Command {
  const program = new Command('promptevo')
    .description('Distributed, durable genetic meta-prompt optimizer on Temporal')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('run')
    .description('start an optimization run from a task file')
    .argument('<task.yaml>', 'task file')
    .option('--wait', 'wait for the run to finish and print its result')
    .option('--json', 'print JSON')
    .option('--run-id <id>', 'use this run id instead of a generated one')
    .option('--seed <n>', 'override search.seed', parseInteger)
    .action(async (taskPath: string, opts: { wait?: boolean; json?: boolean; runId?: string; seed?: number }) => {
      await withClient(async (c) => {
        const started = await c.startRun(taskPath, {
          ...(opts.runId ? { runId: opts.runId } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        });
        if (!opts.wait) {
          print(!!opts.json, started, () => `run ${started.runId} started\n  ${started.uiUrl}`);
          return;
        }
        if (!opts.json)
          process.stderr.write(`run ${started.runId} started\n  ${started.uiUrl}\n  waiting for it to finish...\n`);
        const result = await c.waitForResult(started.runId);
        print(!!opts.json, { ...result, uiUrl: started.uiUrl }, () => formatResult(result));
        if (result.status === 'failed') process.exitCode = EXIT.runFailed;
      });
    });

  program
    .command('status')
    .description('live status of a run')
    .argument('<runId>')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { json?: boolean }) => {
      const status = await withClient((c) => c.status(runId));
      print(!!opts.json, status, () => formatStatus(status));
    });

  program
    .command('doctor')
    .description('check that a worker is polling and can reach PostgreSQL and the model server')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const report = await withClient((c) => c.doctor());
      print(!!opts.json, report, () =>
        [
          `worker ${report.worker}`,
          ...report.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
        ].join('\n'),
      );
      if (report.checks.some((c) => !c.ok)) process.exitCode = 1;
    });

  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT.usage;
    if (err instanceof ConfigError) {
      process.stderr.write(`promptevo: configuration: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`promptevo: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`promptevo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
