/**
 * The cluster's policy for untrusted task files, as the operator set it in the workers'
 * configuration (`platform/policy.ts` builds it). Task files name environment variables, URLs,
 * files and code; this says which of those a worker may use on a task's behalf.
 */
export interface TaskPolicy {
  /** Only environment variables whose names start with this may be used as API keys. */
  keyPrefix: string;
  /** Key environment variable → the endpoint hosts it may be sent to. */
  keyHosts: Record<string, HostRule[]>;
  /** Absolute directories (symlinks resolved) that datasets must lie in. */
  dataRoots: string[];
  /** Absolute directories (symlinks resolved) that `module` metrics must lie in; empty: none allowed. */
  moduleRoots: string[];
  maxDatasetBytes: number;
  maxDatasetRows: number;
}

/** One host a key may be sent to: any port when `port` is unset. `*.example.com` matches subdomains. */
export interface HostRule {
  host: string;
  port?: number;
}

export type PolicyRule =
  | 'key-env-name'
  | 'key-host'
  | 'url-credentials'
  | 'url-variable'
  | 'data-root'
  | 'data-size'
  | 'data-rows'
  | 'module-root'
  | 'regex';

/** One broken rule: which, where in the task file, and what to do. */
export interface PolicyViolation {
  rule: PolicyRule;
  /** Dotted path inside the task spec, e.g. `models.gpt.apiKeyEnv`. */
  path: string;
  message: string;
}

/** Every violation as `file: path: [rule] message`, one a line, under a heading that says what did not happen. */
export function describeViolations(
  fileName: string,
  violations: readonly PolicyViolation[],
  outcome = 'nothing was started',
): string {
  const n = violations.length;
  return (
    `${fileName}: refused by the cluster's task policy (${n} violation${n === 1 ? '' : 's'}); ${outcome}:\n` +
    violations.map((v) => `  ${fileName}: ${v.path}: [${v.rule}] ${v.message}`).join('\n')
  );
}
