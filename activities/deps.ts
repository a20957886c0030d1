import { type Logger } from 'pino';
import { type Config } from '../platform/config.js';
import { type Db } from '../platform/db.js';

/** What every activity may use; built once per worker process. */
export interface ActivityDeps {
  config: Config;
  db: Db;
  log: Logger;
  /** Identifies this worker process in stored records. */
  workerIdentity: string;
}
