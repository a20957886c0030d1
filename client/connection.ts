import { Client, Connection } from '@temporalio/client';
import { type Config } from '../platform/config.js';
import { CliError, EXIT } from './errors.js';

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
