// Runs the CLI in this process with the given arguments (its output discarded) and prints, as
// JSON, the npm packages loaded through CommonJS on the way: what a command costs at start-up.
import { createRequire } from 'node:module';
import { runCli } from '../../client/cli.js';

const write = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
process.stderr.write = () => true;
const exitCode = await runCli(process.argv.slice(2));
process.stdout.write = write;
const packages = new Set<string>();
for (const file of Object.keys(createRequire(import.meta.url).cache)) {
  const inside = file.split('node_modules/').at(-1)!;
  if (inside === file) continue;
  const parts = inside.split('/');
  packages.add(parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
}
process.stdout.write(`${JSON.stringify({ exitCode, packages: [...packages].sort() })}\n`);
