// Throughput of the local model server's real backend (Gemma 3 270M via node-llama-cpp) at
// concurrency 1 and 4, measured through the real `openai` client over loopback HTTP.
// Usage: tsx bench/llama-throughput.ts [--requests 8] [--max-tokens 64] [--parallel 1]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { parseModelServerConfig, repoRoot } from '../model-server/base/config.js';
import { startModelServer } from '../model-server/server/server.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '8' },
    'max-tokens': { type: 'string', default: '64' },
    parallel: { type: 'string', default: '1' },
  },
});
const requestsPerLevel = Number(values.requests);
const maxTokens = Number(values['max-tokens']);
const gguf = process.env['PROMPTEVO_GGUF'] || path.join(repoRoot, '.data/models/gemma-3-270m-q4_k_m.gguf');
if (!existsSync(gguf)) {
  console.error(`GGUF not found at ${gguf}: run the project setup script or set PROMPTEVO_GGUF.`);
  process.exit(1);
}

const config = parseModelServerConfig({
  models: {
    gemma: { backend: { type: 'llama', gguf, parallel: Number(values.parallel), maxQueue: 64, contextSize: 1024 } },
  },
});
const server = await startModelServer(config, { port: 0 });
const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'bench', maxRetries: 0, timeout: 600_000 });
const topics = ['the sea', 'a mountain', 'a library', 'a train', 'autumn', 'a market', 'a robot', 'rain'];
const ask = (i: number) =>
  client.chat.completions.create({
    model: 'gemma',
    temperature: 0.7,
    seed: i,
    max_tokens: maxTokens,
    messages: [{ role: 'user', content: `Write a short paragraph about ${topics[i % topics.length]}.` }],
  });

await ask(0); // load the model outside the measurement

const rows: string[] = [];
for (const concurrency of [1, 4]) {
  let next = 0;
  let tokens = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requestsPerLevel) {
        const i = next++;
        const t0 = performance.now();
        const completion = await ask(i + 1);
        latencies.push(performance.now() - t0);
        tokens += completion.usage?.completion_tokens ?? 0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const meanLatency = latencies.reduce((a, b) => a + b, 0) / latencies.length / 1000;
  rows.push(
    `| ${concurrency} | ${requestsPerLevel} | ${tokens} | ${seconds.toFixed(1)} | ${(tokens / seconds).toFixed(1)} | ${(requestsPerLevel / seconds).toFixed(2)} | ${meanLatency.toFixed(2)} |`,
  );
}
await server.close();

console.log(`model: ${path.basename(gguf)}, parallel sequences: ${values.parallel}, max_tokens: ${maxTokens}`);
console.log('| concurrency | requests | completion tokens | wall s | tokens/s | requests/s | mean latency s |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
