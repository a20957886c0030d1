import { Client, Connection } from '@temporalio/client';
import { type Config } from '../platform/config.js';
import { generationWorkflowId, runWorkflowId } from '../contracts/index.js';

/** A user-facing failure: the CLI prints its message on one line and exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const EXIT = { usage: 2, notFound: 3, stackDown: 4, runFailed: 5 } as const;

export async function connectClient(config: Config): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: '5s' });
    return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  } catch (err) {
    throw new CliError(
      `cannot reach the Temporal server at ${config.TEMPORAL_ADDRESS} (${(err as Error).message.split('\n')[0]}); ` +
        'start the stack with `bash infra/stack.sh up`, or set TEMPORAL_ADDRESS',
      EXIT.stackDown,
    );
  }
}

/** The Temporal UI page of a run, or of one of its generations. */
export function runUiUrl(config: Config, runId: string, generation?: number): string {
  return temporalUiUrl(
    config,
    generation === undefined ? runWorkflowId(runId) : generationWorkflowId(runId, generation),
  );
}

export function temporalUiUrl(config: Config, workflowId?: string): string {
  const base = `${config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows`;
  return workflowId ? `${base}/${encodeURIComponent(workflowId)}` : base;
}
