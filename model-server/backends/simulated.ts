// Backend for `type: simulated` models: pure computation, see docs/SIMULATOR.md.
import type { ModelSize } from '../families/capability.js';
import { simulateReply } from '../sim/simulate.js';
import { estimateTokens } from '../base/tokenizer.js';
import type { ChatBackend, CompletionJob, CompletionResult } from './types.js';

export class SimulatedBackend implements ChatBackend {
  constructor(private readonly size: ModelSize) {}

  complete(job: CompletionJob): Promise<CompletionResult> {
    const maxTokens = job.request.max_completion_tokens ?? job.request.max_tokens ?? undefined;
    const result: CompletionResult = { contents: [], finishReasons: [] };
    for (let index = 0; index < job.choices; index++) {
      let content = simulateReply({
        messages: job.messages,
        responseFormat: job.request.response_format,
        temperature: job.request.temperature ?? 1,
        seed: job.request.seed ?? undefined,
        choiceIndex: index,
        requestHash: job.requestHash,
        size: this.size,
      });
      let finish: 'stop' | 'length' = 'stop';
      // Respect max_tokens the way a real model does: stop mid-text and say so.
      if (maxTokens !== undefined && estimateTokens(content) > maxTokens) {
        content = content.slice(0, Math.max(1, maxTokens * 4));
        while (content.length > 1 && estimateTokens(content) > maxTokens) content = content.slice(0, -1);
        finish = 'length';
      }
      result.contents.push(content);
      result.finishReasons.push(finish);
    }
    return Promise.resolve(result);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
