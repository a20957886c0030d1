import { userInfo } from 'node:os';
import type { Config } from '../../platform/config.js';
import { CliError, EXIT } from '../errors.js';

/**
 * Who publishes a version or moves a label: `--by`, else the configured PROMPTEVO_IDENTITY, else
 * the operating system's user name.
 */
export function registryIdentity(by: string | undefined, config: Pick<Config, 'PROMPTEVO_IDENTITY'>): string {
  if (by !== undefined) {
    const trimmed = by.trim();
    if (trimmed === '' || trimmed.length > 200) {
      throw new CliError('--by must name who acts, in 1 to 200 characters', EXIT.usage);
    }
    return trimmed;
  }
  if (config.PROMPTEVO_IDENTITY) return config.PROMPTEVO_IDENTITY;
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // No user name for this uid (some containers): fall through.
  }
  throw new CliError(
    'cannot tell who is acting: pass --by <name> or set PROMPTEVO_IDENTITY in the environment or configuration',
    EXIT.usage,
  );
}
