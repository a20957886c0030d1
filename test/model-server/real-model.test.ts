// Smoke test of the real backend: Gemma 3 270M (GGUF) through node-llama-cpp, via the real client.
// It fails, rather than skips, when the model file is missing: the real backend is part of the product.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/model-server/config.js';
import { clientFor, startTestServer } from './helpers.js';

const gguf = process.env['PROMPTEVO_GGUF'] || path.join(repoRoot, '.data/models/gemma-3-270m-q4_k_m.gguf');

describe('real model backend (gemma-3-270m)', () => {
  it('answers one short chat completion with content and usage', async () => {
    if (!existsSync(gguf)) {
      throw new Error(
        `The Gemma 3 270M GGUF is missing at ${gguf}. Run the project setup script to download it ` +
          '(or point PROMPTEVO_GGUF at a GGUF file), then rerun the tests.',
      );
    }
    const server = await startTestServer({
      models: { 'gemma-3-270m': { backend: { type: 'llama', gguf, parallel: 1, maxQueue: 4, contextSize: 1024 } } },
    });
    try {
      const completion = await clientFor(server, { timeout: 120_000 }).chat.completions.create({
        model: 'gemma-3-270m',
        temperature: 0,
        max_tokens: 16,
        messages: [{ role: 'user', content: 'What is the capital of France?' }],
      });
      expect(completion.choices[0]!.message.content!.trim().length).toBeGreaterThan(0);
      expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
      expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
