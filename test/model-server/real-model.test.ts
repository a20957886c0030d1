// Smoke test of the real backend: each real small model (GGUF) through node-llama-cpp, via the real
// client. It fails, rather than skips, when a model file is missing: the real backend is part of
// the product.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../model-server/base/config.js';
import { clientFor, startTestServer } from './helpers.js';

const realModels = [
  {
    name: 'gemma-3-270m',
    title: 'Gemma 3 270M',
    gguf: process.env['PROMPTEVO_GGUF'] || path.join(repoRoot, '.data/models/gemma-3-270m-q4_k_m.gguf'),
    env: 'PROMPTEVO_GGUF',
  },
  {
    name: 'smollm2-135m',
    title: 'SmolLM2 135M Instruct',
    gguf: process.env['PROMPTEVO_SMOLLM2_GGUF'] || path.join(repoRoot, '.data/models/SmolLM2-135M-Instruct.Q4_1.gguf'),
    env: 'PROMPTEVO_SMOLLM2_GGUF',
  },
];

describe.each(realModels)('real model backend ($name)', ({ name, title, gguf, env }) => {
  it('answers one short chat completion with content and usage', async () => {
    if (!existsSync(gguf)) {
      throw new Error(
        `The ${title} GGUF is missing at ${gguf}. Run the project setup script (infra/setup.sh) to download it ` +
          `(or point ${env} at a GGUF file), then rerun the tests.`,
      );
    }
    const server = await startTestServer({
      models: { [name]: { backend: { type: 'llama', gguf, parallel: 1, maxQueue: 4, contextSize: 1024 } } },
    });
    try {
      const completion = await clientFor(server, { timeout: 120_000 }).chat.completions.create({
        model: name,
        temperature: 0,
        max_tokens: 16,
        messages: [
          { role: 'system', content: 'Answer in one word.' },
          { role: 'user', content: 'What is the capital of France?' },
        ],
      });
      expect(completion.choices[0]!.message.content!.trim().length).toBeGreaterThan(0);
      expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
      expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
