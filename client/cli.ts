import { Command, CommanderError } from 'commander';
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../platform/config-error.js';
import type { PromptevoClient } from './api.js';
import { CliError, EXIT } from './errors.js';
import { formatDetails, formatDistill, formatList, formatResult, formatStatus } from './format.js';
import { scaffoldTask } from './init.js';
import type { DistillOverrides } from '../core/engine/distill-plan.js';
import { registerRegistryCommands } from './registry/commands.js';
import { registerServeCommand } from '../serve/command.js';

// A command loads the modules it needs when it runs (the Temporal client, PostgreSQL, the report
// renderer...), so that `--help`, a usage error or a command that needs none of them starts fast.

function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

async function withClient<T>(fn: (client: PromptevoClient) => Promise<T>): Promise<T> {
  const [{ loadConfig }, { PromptevoClient }, { connectClient }, { createPool }] = await Promise.all([
    import('../platform/config.js'),
    import('./api.js'),
    import('./connection.js'),
    import('../platform/db.js'),
  ]);
  const config = loadConfig();
  const temporal = await connectClient(config);
  const db = createPool(config, 2);
  try {
    return await fn(new PromptevoClient(temporal, config, db));
  } finally {
    await temporal.connection.close();
    await db.end();
  }
}

function parseAmount(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`expected a positive amount, got "${value}"`, EXIT.usage);
  return n;
}

function parseFraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new CliError(`expected a number from 0 to 1, got "${value}"`, EXIT.usage);
  return n;
}

interface DistillFlags {
  threshold?: number;
  teacher?: string;
  student?: string;
  maxRounds?: number;
  hash?: string;
  teacherThink?: boolean;
  teacherSamples?: number;
  teacherTemperature?: number;
  budgetUsd?: number;
  budgetCalls?: number;
  wait?: boolean;
  json?: boolean;
}

function distillOverrides(f: DistillFlags): DistillOverrides {
  const program =
    f.teacherThink || f.teacherSamples !== undefined || f.teacherTemperature !== undefined
      ? {
          reasoning: f.teacherThink ? ('think' as const) : ('direct' as const),
          samples: f.teacherSamples ?? 1,
          temperature: f.teacherTemperature ?? 0.7,
        }
      : undefined;
  if (program && (program.samples < 1 || program.samples > 16)) {
    throw new CliError(`--teacher-samples must be from 1 to 16, got ${program.samples}`, EXIT.usage);
  }
  if (f.maxRounds !== undefined && f.maxRounds < 0) throw new CliError('--max-rounds must not be negative', EXIT.usage);
  const budget = {
    ...(f.budgetUsd !== undefined ? { usd: f.budgetUsd } : {}),
    ...(f.budgetCalls !== undefined ? { calls: f.budgetCalls } : {}),
  };
  return {
    ...(f.threshold !== undefined ? { threshold: f.threshold } : {}),
    ...(f.teacher ? { teacher: f.teacher } : {}),
    ...(f.student ? { student: f.student } : {}),
    ...(f.maxRounds !== undefined ? { maxRounds: f.maxRounds } : {}),
    ...(program ? { teacherProgram: program } : {}),
    ...(Object.keys(budget).length > 0 ? { budget } : {}),
  };
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`expected an integer, got "${value}"`, EXIT.usage);
  return n;
}

export function buildProgram(): Command {
  const program = new Command('promptevo')
    .description('Distributed, durable genetic meta-prompt optimizer on Temporal')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('init')
    .description('scaffold a task file and a sample dataset to edit into your own task')
    .argument('[dir]', 'directory to create them in', '.')
    .option('--name <name>', 'task name', 'my-task')
    .action((dir: string, opts: { name: string }) => {
      const files = scaffoldTask(dir, opts.name);
      process.stdout.write(`created ${files.join(' and ')}\nrun it with: promptevo run ${files[0]} --wait\n`);
    });

  program
    .command('run')
    .description('start an optimization run from a task file')
    .argument('<task.yaml>', 'task file')
    .option('--wait', 'wait for the run to finish and print its result')
    .option('--json', 'print JSON')
    .option('--run-id <id>', 'use this run id instead of a generated one')
    .option('--seed <n>', 'override search.seed', parseInteger)
    .option('--no-preflight', 'start without first checking the model endpoints through a worker')
    .action(
      async (
        taskPath: string,
        opts: { wait?: boolean; json?: boolean; runId?: string; seed?: number; preflight: boolean },
      ) => {
        await withClient(async (c) => {
          const started = await c.startRun(taskPath, {
            ...(opts.runId ? { runId: opts.runId } : {}),
            ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
            preflight: opts.preflight,
          });
          if (!opts.wait) {
            print(!!opts.json, started, () => `run ${started.runId} started\n  ${started.uiUrl}`);
            return;
          }
          if (!opts.json)
            process.stderr.write(`run ${started.runId} started\n  ${started.uiUrl}\n  waiting for it to finish...\n`);
          const result = await c.waitForResult(started.runId);
          print(!!opts.json, { ...result, uiUrl: started.uiUrl }, () => formatResult(result));
        });
      },
    );

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
    .command('list')
    .description('recent runs with status, best score and spend')
    .option('--limit <n>', 'how many', parseInteger, 20)
    .option('--task <name>', 'only runs of this task')
    .option('--json', 'print JSON')
    .action(async (opts: { limit: number; task?: string; json?: boolean }) => {
      const runs = await withClient((c) => c.list(opts.limit, opts.task));
      print(!!opts.json, runs, () => formatList(runs));
    });

  program
    .command('watch')
    .description('live progress of a run until it ends (a progress bar in a terminal, plain lines when piped)')
    .argument('<runId>')
    .option('--interval <ms>', 'how often to look', parseInteger, 500)
    .action(async (runId: string, opts: { interval: number }) => {
      const { watchRun } = await import('./watch.js');
      await withClient((c) => watchRun(c, runId, process.stdout, opts.interval));
    });

  program
    .command('show')
    .description('one run: config, generations, spend by model, and the best program as the messages it sends')
    .argument('<runId>')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { json?: boolean }) => {
      const details = await withClient((c) => c.show(runId));
      print(!!opts.json, details, () => formatDetails(details));
    });

  for (const [name, description] of [
    ['pause', 'pause a run after its current generation'],
    ['resume', 'resume a paused run'],
    ['stop', 'stop early: finish the current generation, then score the finalists and finish'],
    ['cancel', 'cancel a run at once (nothing is finalized)'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<runId>')
      .action(async (runId: string) => {
        await withClient((c) => c[name](runId));
        process.stdout.write(`${name}: sent to run ${runId}\n`);
      });
  }

  program
    .command('extend-budget')
    .description("add to a run's budget (it continues if it was waiting for more)")
    .argument('<runId>')
    .option('--calls <n>', 'more model calls', parseInteger)
    .option('--tokens <n>', 'more tokens', parseInteger)
    .option('--usd <amount>', 'more dollars', parseAmount)
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { calls?: number; tokens?: number; usd?: number; json?: boolean }) => {
      const delta = { calls: opts.calls, tokens: opts.tokens, usd: opts.usd };
      if (Object.values(delta).every((v) => v === undefined)) {
        throw new CliError('say how much to add: --calls, --tokens and/or --usd', EXIT.usage);
      }
      const budget = await withClient((c) => c.extendBudget(runId, delta));
      print(!!opts.json, budget, () => `budget of run ${runId} is now ${JSON.stringify(budget)}`);
    });

  program
    .command('distill')
    .description("distil a finished run's winner into a small student model (the task's distill section, or flags)")
    .argument('<runId>')
    .option('--threshold <accuracy>', 'student accuracy on validation to reach (0..1)', parseFraction)
    .option('--teacher <model>', "the teacher model (one of the task's models)")
    .option('--student <model>', "the student model (one of the task's models)")
    .option('--max-rounds <n>', 'generations of evolution on the student at most', parseInteger)
    .option('--hash <hash>', 'distil this candidate instead of the winner')
    .option('--teacher-think', 'the teacher thinks before answering')
    .option('--teacher-samples <n>', 'the teacher answers with the majority of n samples', parseInteger)
    .option('--teacher-temperature <t>', 'sampling temperature of the teacher samples', parseAmount)
    .option('--budget-usd <amount>', 'what distillation may spend, in dollars', parseAmount)
    .option('--budget-calls <n>', 'what distillation may spend, in model calls', parseInteger)
    .option('--wait', 'wait for it to finish and print the result')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: DistillFlags) => {
      await withClient(async (c) => {
        const started = await c.startDistill(runId, distillOverrides(opts), opts.hash);
        if (!opts.wait) {
          print(!!opts.json, started, () => `distillation of run ${runId} started\n  ${started.uiUrl}`);
          return;
        }
        if (!opts.json) process.stderr.write(`distillation of run ${runId} started\n  ${started.uiUrl}\n`);
        const result = await c.waitForDistill(runId);
        print(!!opts.json, result, () => formatDistill(result));
      });
    });

  program
    .command('ui')
    .description('the Temporal UI address of a run or one of its generations')
    .argument('<runId>')
    .option('--generation <n>', 'a generation of the run', parseInteger)
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { generation?: number; json?: boolean }) => {
      const [{ loadConfig }, { runUiUrl }] = await Promise.all([
        import('../platform/config.js'),
        import('./ui-links.js'),
      ]);
      const url = runUiUrl(loadConfig(), runId, opts.generation);
      print(!!opts.json, { url }, () => url);
    });

  program
    .command('export')
    .description('the winning program as JSON a runtime loads (or DSPy-compatible JSON for one predictor)')
    .argument('<runId>')
    .option('--format <format>', 'promptevo | dspy', 'promptevo')
    .option('--hash <hash>', 'export this candidate instead of the winner')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (runId: string, opts: { format: string; hash?: string; out?: string }) => {
      if (opts.format !== 'promptevo' && opts.format !== 'dspy') {
        throw new CliError(`unknown --format "${opts.format}"; use promptevo or dspy`, EXIT.usage);
      }
      const program = await withClient((c) => c.exportProgram(runId, opts.hash));
      const { toDspyJson } = await import('./export.js');
      const json = `${JSON.stringify(opts.format === 'dspy' ? toDspyJson(program) : program, null, 2)}\n`;
      if (opts.out) {
        writeFileSync(opts.out, json);
        process.stdout.write(`wrote ${opts.out}\n`);
      } else process.stdout.write(json);
    });

  program
    .command('report')
    .description(
      'one self-contained HTML report of a run: fitness and spend charts, lineage, seed vs winner per example',
    )
    .argument('<runId>')
    .option('--out <file>', 'where to write it', 'report.html')
    .action(async (runId: string, opts: { out: string }) => {
      const { renderRunReport } = await import('./report/render-html.js');
      const html = await withClient(async (c) => renderRunReport(await c.reportData(runId)));
      writeFileSync(opts.out, html);
      process.stdout.write(`wrote ${opts.out} (${Math.round(html.length / 1024)} KiB)\n`);
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

  registerRegistryCommands(program);

  registerServeCommand(program);
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
