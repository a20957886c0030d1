/**
 * The child process a `module` metric runs in (started by module-metric-process.ts): it loads
 * one module, then answers `{ id, args }` messages with what the metric returned. Its
 * environment was scrubbed by the parent, so `process.env` holds no API key or database URL.
 */
import { pathToFileURL } from 'node:url';

interface Call {
  id: number;
  args: unknown;
}

const [modulePath, exportName] = process.argv.slice(2) as [string, string];

const metric: Promise<(args: unknown) => unknown> = import(pathToFileURL(modulePath).href).then(
  (mod: Record<string, unknown>) => {
    const fn = mod[exportName];
    if (typeof fn !== 'function') {
      throw new Error(
        `metric module ${modulePath} has no function export "${exportName}"; export one or set metric.export`,
      );
    }
    return fn as (args: unknown) => unknown;
  },
);
// Reported with each call instead of crashing the host.
metric.catch(() => undefined);

process.on('message', (message: Call) => {
  void (async () => {
    try {
      const value = await (await metric)(message.args);
      process.send?.({ id: message.id, ok: true, value });
    } catch (err) {
      process.send?.({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  })();
});
// The worker went away: so does its metric host.
process.on('disconnect', () => process.exit(0));
