import { type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/worker';
import { type Logger } from 'pino';

/** Routes the Temporal SDK's own log lines into the process's pino logger (and its redaction). */
export function temporalLogger(log: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const target = log.child({ component: 'temporal-sdk' });
    const fields = meta ?? {};
    switch (level) {
      case 'TRACE':
        return target.trace(fields, message);
      case 'DEBUG':
        return target.debug(fields, message);
      case 'INFO':
        return target.info(fields, message);
      case 'WARN':
        return target.warn(fields, message);
      case 'ERROR':
        return target.error(fields, message);
    }
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}
