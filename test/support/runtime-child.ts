// A service process using the runtime, for tests: `node --import tsx test/support/runtime-child.ts`
// with its settings as JSON in RUNTIME_CHILD_OPTIONS. It loads one program, then writes one JSON line
// per event (`loaded`, `updated`, `stale`, `refreshed`) and answers each stdin line (JSON inputs)
// with a `prediction` or `error` line.
import { createInterface } from 'node:readline';
import { createRuntime } from '../../runtime/runtime.js';
import type { RuntimeChildOptions } from './runtime-process.js';

const options = JSON.parse(process.env.RUNTIME_CHILD_OPTIONS ?? '{}') as RuntimeChildOptions;
const say = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

const runtime = createRuntime({
  registry: { databaseUrl: options.databaseUrl, schema: options.schema, timeoutMs: 2000 },
  endpoints: () => ({ baseUrl: options.baseUrl }),
  ttlMs: options.ttlMs,
  ...(options.snapshotDir ? { snapshotDir: options.snapshotDir } : {}),
  logger: { warn: () => undefined },
  env: {},
});
runtime.on('updated', ({ from, to }) => say({ event: 'updated', from: from.version, to: to.version }));
runtime.on('stale', ({ reason, origin }) => say({ event: 'stale', reason, origin }));
runtime.on('refreshed', ({ version }) => say({ event: 'refreshed', version: version.version }));

const program = await runtime.load(options.name, { label: options.label });
say({ event: 'loaded', version: program.current().version, pid: process.pid });

for await (const line of createInterface({ input: process.stdin })) {
  try {
    const prediction = await program.predict(JSON.parse(line) as Record<string, unknown>);
    say({ event: 'prediction', ...prediction });
  } catch (err) {
    say({ event: 'error', message: (err as Error).message });
  }
}
await runtime.close();
