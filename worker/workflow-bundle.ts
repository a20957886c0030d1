import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import { type Logger } from 'pino';

const root = fileURLToPath(new URL('..', import.meta.url));
export const workflowsPath = join(root, 'workflows/index.ts');
/** Where worker processes keep built bundles unless `WORKFLOW_BUNDLE_CACHE` says otherwise. */
export const defaultBundleCacheDir = join(root, '.data/workflow-bundles');

/** Workflow code uses NodeNext `.js` specifiers for `.ts` files; webpack needs to be told. */
export const bundlerOptions: WorkerOptions['bundlerOptions'] = {
  webpackConfigHook: (webpackConfig) => {
    webpackConfig.resolve = {
      ...webpackConfig.resolve,
      extensionAlias: { '.js': ['.ts', '.js'] },
    };
    return webpackConfig;
  },
};

/** Bundles the workflow code (webpack; several seconds on a small machine). */
export async function bundleWorkflows(): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath, ...bundlerOptions, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

/** Raise when the bundler's options change in a way the sources do not show. */
const BUNDLE_FORMAT = 1;
/** Bundles kept in the cache directory; older ones are removed when a new one is written. */
const KEEP_BUNDLES = 3;
const SKIPPED_DIRS = new Set(['node_modules', 'test', 'bench', 'docs', 'examples']);

/**
 * The cache key of the workflow bundle: a hash over every TypeScript source of the project (not
 * only those the bundle is known to import today, so a new import can never leave a stale bundle
 * in use), the lock file (the SDK's and every dependency's version) and the bundler format.
 */
export function workflowBundleKey(projectRoot = root): string {
  const hash = createHash('sha256').update(`promptevo-workflow-bundle:${BUNDLE_FORMAT}\n`);
  for (const file of sourceFiles(projectRoot, projectRoot)) {
    hash
      .update(`${relative(projectRoot, file)}\n`)
      .update(readFileSync(file))
      .update('\n');
  }
  return hash.digest('hex').slice(0, 24);
}

function sourceFiles(dir: string, projectRoot: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...sourceFiles(path, projectRoot));
    } else if (entry.name.endsWith('.ts') || (dir === projectRoot && entry.name === 'package-lock.json')) {
      out.push(path);
    }
  }
  return out;
}

export interface BundleCacheOptions {
  /** Whose sources name the bundle (default: this project). */
  projectRoot?: string;
  /** Builds the bundle on a miss (default: webpack over `workflows/index.ts`). */
  build?: () => Promise<{ code: string }>;
  /** Told when the cache cannot be written; the bundle is still returned. */
  onNote?: (message: string) => void;
}

/**
 * The workflow bundle for the sources on disk: read from `cacheDir` when a bundle of exactly these
 * sources is there, built and stored (atomically: written aside, then renamed) when not. A worker
 * that restarts after a crash is then polling within a second or two instead of after a webpack
 * build. An unreadable or unwritable cache is not an error: the bundle is built in memory.
 */
export async function cachedWorkflowBundle(
  cacheDir: string,
  options: BundleCacheOptions = {},
): Promise<{ code: string; cached: boolean }> {
  const { projectRoot = root, build = bundleWorkflows, onNote = () => undefined } = options;
  const key = workflowBundleKey(projectRoot);
  const path = join(cacheDir, `workflows-${key}.js`);
  try {
    return { code: readFileSync(path, 'utf8'), cached: true };
  } catch {
    // Not cached yet (or unreadable): build it below.
  }
  const bundle = await build();
  try {
    mkdirSync(cacheDir, { recursive: true });
    const aside = `${path}.${process.pid}.tmp`;
    writeFileSync(aside, bundle.code);
    renameSync(aside, path);
    pruneOldBundles(cacheDir, path);
  } catch (err) {
    onNote(`workflow bundle not cached in ${cacheDir}: ${(err as Error).message}`);
  }
  return { code: bundle.code, cached: false };
}

function pruneOldBundles(cacheDir: string, keep: string): void {
  const bundles = readdirSync(cacheDir)
    .filter((name) => /^workflows-[0-9a-f]+\.js$/.test(name))
    .map((name) => join(cacheDir, name))
    .filter((path) => path !== keep)
    .map((path) => ({ path, mtime: statSync(path).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { path } of bundles.slice(KEEP_BUNDLES - 1)) rmSync(path, { force: true });
}

/**
 * The bundle a worker process runs: from the cache named by `WORKFLOW_BUNDLE_CACHE` (default
 * `.data/workflow-bundles` in the project), or built fresh when that is `off`.
 */
export async function workerWorkflowBundle(setting: string | undefined, log: Logger): Promise<{ code: string }> {
  const started = performance.now();
  if (setting === 'off') return bundleWorkflows();
  const cacheDir = setting ?? defaultBundleCacheDir;
  const { code, cached } = await cachedWorkflowBundle(cacheDir, { onNote: (message) => log.warn(message) });
  log.info({ cached, ms: Math.round(performance.now() - started) }, 'workflow bundle ready');
  return { code };
}
