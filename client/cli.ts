import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../platform/config.js';
import { PromptevoClient } from './api.js';
import { CliError, connectClient, EXIT } from './connection.js';

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

export function buildProgram(): Command {
  const program = new Command('promptevo')
    .description('Distributed, durable genetic meta-prompt optimizer on Temporal')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('doctor')
    .description('check that a worker is polling and can reach PostgreSQL and the model server')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const report = await withClient((c) => c.doctor());
      print(!!opts.json, report, () =>
        [`worker ${report.worker}`, ...report.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`)].join('\n'),
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
