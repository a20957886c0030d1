import { realpathSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { parseKeyHosts } from '../core/policy/key-hosts.js';
import type { TaskPolicy } from '../core/policy/types.js';
import type { Config } from './config.js';

/**
 * The task policy of this process, from its configuration (loadConfig has validated the
 * settings). Roots are resolved against `cwd` and through symlinks now, so a path is compared
 * with what the root really is; a root that does not exist admits nothing.
 */
export function policyFromConfig(config: Config, cwd = process.cwd()): TaskPolicy {
  const roots = (text: string): string[] =>
    text
      .split(delimiter)
      .map((r) => r.trim())
      .filter((r) => r !== '')
      .flatMap((r) => {
        try {
          return [realpathSync(resolve(cwd, r))];
        } catch {
          return [];
        }
      });
  return {
    keyPrefix: config.PROMPTEVO_KEY_PREFIX,
    keyHosts: parseKeyHosts(config.PROMPTEVO_KEY_HOSTS, config.PROMPTEVO_KEY_PREFIX).bindings,
    dataRoots: roots(config.PROMPTEVO_DATA_ROOTS),
    moduleRoots: roots(config.PROMPTEVO_MODULE_ROOTS),
    maxDatasetBytes: config.PROMPTEVO_MAX_DATASET_BYTES,
    maxDatasetRows: config.PROMPTEVO_MAX_DATASET_ROWS,
  };
}
