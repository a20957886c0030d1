import type { Command } from 'commander';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db.js';
import { CliError, EXIT } from '../errors.js';
import {
  formatDiff,
  formatGated,
  formatHistory,
  formatLabelMove,
  formatName,
  formatPublish,
  formatRegistryList,
  formatVersion,
} from './format.js';
import type { GatedPromotionRequest } from './gated.js';

function print(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** The registry's modules, loaded when a registry command runs rather than with every CLI command. */
async function registryModules() {
  const [read, labels, publish, diff, identity] = await Promise.all([
    import('./read.js'),
    import('./labels.js'),
    import('./publish.js'),
    import('./diff.js'),
    import('./identity.js'),
  ]);
  return { ...read, ...labels, ...publish, ...diff, ...identity };
}
type Registry = Awaited<ReturnType<typeof registryModules>>;

/** The registry lives in PostgreSQL: its commands need no Temporal server, except a gated promotion. */
async function withDb<T>(fn: (db: Db, config: Config, r: Registry) => Promise<T>): Promise<T> {
  const [{ describeDatabaseUrl, loadConfig }, { createPool }, r] = await Promise.all([
    import('../../platform/config.js'),
    import('../../platform/db.js'),
    registryModules(),
  ]);
  const config = loadConfig();
  const db = createPool(config, 2);
  try {
    return await fn(db, config, r);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) {
      throw new CliError(
        `cannot reach PostgreSQL at ${describeDatabaseUrl(config.DATABASE_URL)} (${(err as Error).message}); ` +
          'start the stack with `bash infra/stack.sh up`, or set DATABASE_URL',
        EXIT.stackDown,
      );
    }
    throw err;
  } finally {
    await db.end();
  }
}

/** Connection failures (refused, unknown host, timed out) and PostgreSQL starting up or shutting down. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P03']);

function parseVersionNumber(value: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(value)) {
    throw new CliError(`expected a version number (1, 2, ...), got "${value}"`, EXIT.usage);
  }
  return Number(value);
}

const parseBetween =
  (flag: string, low: number, high: number, open: boolean) =>
  (value: string): number => {
    const n = Number(value);
    const ok = value.trim() !== '' && (open ? n > low && n < high : n >= low && n <= high);
    if (!ok) {
      throw new CliError(
        `${flag} must be a number ${open ? 'between' : 'from'} ${low} ${open ? 'and' : 'to'} ${high}, got "${value}"`,
        EXIT.usage,
      );
    }
    return n;
  };

function parseCount(value: string): number {
  if (!/^[1-9][0-9]{0,6}$/.test(value))
    throw new CliError(`--min-n must be a positive whole number, got "${value}"`, EXIT.usage);
  return Number(value);
}

interface PromoteFlags {
  label?: string;
  force?: boolean;
  reason?: string;
  dataset?: string;
  by?: string;
  alpha?: number;
  minEffect?: number;
  minN?: number;
  wait: boolean;
  json?: boolean;
}

/** `promptevo registry ...`: publish runs as versions, read them, and move labels. */
export function registerRegistryCommands(program: Command): void {
  const registry = program
    .command('registry')
    .description(
      'named, versioned programs from finished runs, and the labels (production, staging, ...) services load',
    );

  registry
    .command('publish')
    .description("publish a finished run's best (or a candidate, or its distilled student) as a version of a name")
    .argument('<runId>')
    .requiredOption('--name <name>', 'the program name, e.g. seller-score')
    .option('--hash <hash>', 'publish this candidate of the run instead of its best')
    .option('--distilled', "publish the run's distilled student")
    .option('--label <label>', 'point this label at the version (production only when it is not set yet)')
    .option('--by <who>', 'who publishes (default: PROMPTEVO_IDENTITY, else the OS user)')
    .option('--reason <text>', 'why, kept with the label move')
    .option('--json', 'print JSON')
    .action(
      async (
        runId: string,
        o: {
          name: string;
          hash?: string;
          distilled?: boolean;
          label?: string;
          by?: string;
          reason?: string;
          json?: boolean;
        },
      ) => {
        const outcome = await withDb((db, config, r) =>
          r.publishFromRun(db, {
            runId,
            name: o.name,
            by: r.registryIdentity(o.by, config),
            ...(o.hash !== undefined ? { hash: o.hash } : {}),
            ...(o.distilled ? { distilled: true } : {}),
            ...(o.label !== undefined ? { label: o.label } : {}),
            ...(o.reason !== undefined ? { reason: o.reason } : {}),
          }),
        );
        print(o.json, outcome, () => formatPublish(outcome));
      },
    );

  registry
    .command('list')
    .description('every name with its version count, latest version and labels')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const names = await withDb((db, _config, r) => r.listRegistry(db));
      print(o.json, names, () => formatRegistryList(names));
    });

  registry
    .command('show')
    .description('a name (its versions and labels), or one version: name:3 or name@label')
    .argument('<reference>', 'name, name:version or name@label')
    .option('--json', 'print JSON')
    .action(async (reference: string, o: { json?: boolean }) => {
      const ref = (await registryModules()).parseReference(reference);
      if (ref.kind === 'default') {
        const view = await withDb((db, _config, r) => r.showName(db, ref.name));
        print(o.json, view, () => formatName(view));
      } else {
        const view = await withDb((db, _config, r) => r.showVersion(db, ref));
        print(o.json, view, () => formatVersion(view));
      }
    });

  registry
    .command('diff')
    .description('what changed between two versions: instruction, demos, model and decoding, scores')
    .argument('<a>', 'name:version or name@label (a bare name: its production label)')
    .argument('<b>', 'name:version or name@label')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, o: { json?: boolean }) => {
      const diff = await withDb(async (db, _config, r) =>
        r.diffVersions(await r.resolveReference(db, a), await r.resolveReference(db, b)),
      );
      print(o.json, diff, () => formatDiff(diff));
    });

  registry
    .command('history')
    .description("a name's label moves: when, who, how, from → to, why and the evidence")
    .argument('<name>')
    .option('--label <label>', 'only this label')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { label?: string; json?: boolean }) => {
      (await registryModules()).parseReference(o.label === undefined ? name : `${name}@${o.label}`);
      const moves = await withDb((db, _config, r) => r.history(db, name, o.label));
      print(o.json, moves, () => formatHistory(name, moves));
    });

  registry
    .command('rollback')
    .description('move a label back at once, no gate: to the version before its last move, or --to')
    .argument('<name>')
    .option('--label <label>', 'the label to move back', 'production')
    .option('--to <version>', 'this version instead of the previous one', parseVersionNumber)
    .option('--reason <text>', 'why, kept with the move')
    .option('--by <who>', 'who rolls back (default: PROMPTEVO_IDENTITY, else the OS user)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { label: string; to?: number; reason?: string; by?: string; json?: boolean }) => {
      const moved = await withDb((db, config, r) =>
        r.rollback(db, {
          name,
          label: o.label,
          by: r.registryIdentity(o.by, config),
          ...(o.to !== undefined ? { to: o.to } : {}),
          ...(o.reason !== undefined ? { reason: o.reason } : {}),
        }),
      );
      print(o.json, moved, () => formatLabelMove(moved));
    });

  registry
    .command('promote')
    .description(
      'point a label at a version: the first time directly, later only through the significance gate (or --force, recorded)',
    )
    .argument('<reference>', 'the challenger: name:version or name@label')
    .option('--label <label>', 'the label to move', 'production')
    .option('--force', 'move without the gate (recorded as forced)')
    .option('--reason <text>', 'why, kept with the move')
    .option('--dataset <file>', "the promotion set (default: the test split of the challenger's run)")
    .option('--by <who>', 'who promotes (default: PROMPTEVO_IDENTITY, else the OS user)')
    .option('--alpha <p>', 'one-sided significance level (default 0.05)', parseBetween('--alpha', 0, 0.5, true))
    .option(
      '--min-effect <d>',
      'smallest mean gain worth a change (default 0.01)',
      parseBetween('--min-effect', 0, 1, false),
    )
    .option('--min-n <n>', 'fewest examples in the promotion set (default 30)', parseCount)
    .option('--no-wait', 'start the gated promotion and return without waiting for its decision')
    .option('--json', 'print JSON')
    .action(async (reference: string, o: PromoteFlags) => {
      await withDb(async (db, config, r) => {
        const by = r.registryIdentity(o.by, config);
        const plan = await r.planPromotion(db, reference, o.label, !!o.force);
        if (plan.path !== 'gate') {
          const gateOptions = [o.dataset, o.alpha, o.minEffect, o.minN].some((v) => v !== undefined);
          if (gateOptions && !o.json) {
            process.stderr.write(
              `note: ${plan.path === 'first' ? `${plan.name}@${plan.label} is not set yet, so the first move needs no gate` : '--force skips the gate'}; --dataset, --alpha, --min-effect and --min-n are not used\n`,
            );
          }
          const moved = await r.promoteWithoutGate(db, plan, by, o.reason);
          print(o.json, moved, () => formatLabelMove(moved));
          return;
        }
        const request: GatedPromotionRequest = {
          name: plan.name,
          label: plan.label,
          challenger: plan.challenger,
          champion: plan.champion!,
          by,
          wait: o.wait,
          ...(o.dataset !== undefined ? { datasetPath: o.dataset } : {}),
          ...(o.reason !== undefined ? { reason: o.reason } : {}),
          ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
          ...(o.minEffect !== undefined ? { minEffect: o.minEffect } : {}),
          ...(o.minN !== undefined ? { minN: o.minN } : {}),
        };
        // Only a gated promotion needs the Temporal client: loaded here, not when the CLI starts.
        const [{ PromptevoClient }, { connectClient }, { runGatedPromotion }] = await Promise.all([
          import('../api.js'),
          import('../connection.js'),
          import('./gated.js'),
        ]);
        const temporal = await connectClient(config);
        try {
          const outcome = await runGatedPromotion(new PromptevoClient(temporal, config, db), request);
          print(o.json, outcome, () => formatGated(outcome));
          // A refused promotion is an answer, not a crash, but scripts must be able to tell it apart.
          if (outcome.status === 'refused') process.exitCode = 1;
          if (outcome.status === 'failed') process.exitCode = EXIT.runFailed;
        } finally {
          await temporal.connection.close();
        }
      });
    });
}
