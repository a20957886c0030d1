import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { cachedWorkflowBundle, defaultBundleCacheDir } from '../worker/workflow-bundle.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Integration tests run against the real stack: this brings it up (idempotently) and bundles the
 * workflow code once for every test file's workers. The bundle goes through the workers' own cache
 * (`.data/workflow-bundles`), so the worker processes tests start read it instead of building it.
 */
export default async function setup(project: TestProject): Promise<void> {
  execFileSync('bash', ['infra/stack.sh', 'up'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const dir = `${root}.data/test`;
  mkdirSync(dir, { recursive: true });
  const bundle = await cachedWorkflowBundle(defaultBundleCacheDir);
  const bundlePath = `${dir}/workflow-bundle.js`;
  writeFileSync(bundlePath, bundle.code);
  project.provide('workflowBundlePath', bundlePath);
}

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
  }
}
