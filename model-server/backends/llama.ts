// Backend for `type: llama` models: a GGUF file run on the CPU by node-llama-cpp. The model loads
// lazily on the first request; `parallel` context sequences bound concurrent generation and at
// most `maxQueue` requests wait for one, so concurrent callers cannot overload a small machine.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  type ChatHistoryItem,
  getLlama,
  type Llama,
  type LlamaContext,
  type LlamaGrammar,
  LlamaChatSession,
  type LlamaModel,
} from 'node-llama-cpp';
import { ApiError } from '../base/api-error.js';
import type { LlamaBackendConfig } from '../base/config.js';
import type { ChatBackend, CompletionJob, CompletionResult } from './types.js';

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
}

export class LlamaBackend implements ChatBackend {
  private loading: Promise<Loaded> | undefined;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(
    private readonly name: string,
    private readonly config: LlamaBackendConfig,
  ) {}

  async complete(job: CompletionJob): Promise<CompletionResult> {
    await this.acquireSlot(job.signal);
    try {
      const loaded = await this.load();
      const result: CompletionResult = { contents: [], finishReasons: [], completionTokens: [] };
      for (let index = 0; index < job.choices; index++) {
        const { text, finish, tokens } = await this.generate(loaded, job, index);
        result.contents.push(text);
        result.finishReasons.push(finish);
        result.completionTokens?.push(tokens);
      }
      return result;
    } finally {
      this.releaseSlot();
    }
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    const loaded = await loading.catch(() => undefined);
    await loaded?.context.dispose();
    await loaded?.model.dispose();
    await loaded?.llama.dispose();
  }

  private load(): Promise<Loaded> {
    this.loading ??= this.loadOnce().catch((err: unknown) => {
      this.loading = undefined; // let a later request retry, e.g. after the file was downloaded
      throw err;
    });
    return this.loading;
  }

  private async loadOnce(): Promise<Loaded> {
    const file = this.config.gguf;
    if (!existsSync(file)) {
      throw new ApiError(
        500,
        `Model '${this.name}' cannot load: GGUF file not found at ${file}. Run the project setup to download it, ` +
          'or set PROMPTEVO_GGUF (or the gguf path in the model server config) to an existing GGUF file.',
        'server_error',
        null,
        'model_file_missing',
      );
    }
    const llama = await getLlama({ gpu: false, build: 'never' });
    const model = await llama.loadModel({ modelPath: file });
    const context = await model.createContext({
      sequences: this.config.parallel,
      contextSize: this.config.contextSize,
      // An explicit thread count: node-llama-cpp's adaptive default was measured ~100x slower here.
      threads: this.config.threads ?? availableParallelism(),
    });
    return { llama, model, context };
  }

  private async generate(
    loaded: Loaded,
    job: CompletionJob,
    index: number,
  ): Promise<{ text: string; finish: 'stop' | 'length'; tokens: number }> {
    const { request, messages } = job;
    const last = messages[messages.length - 1];
    const history: ChatHistoryItem[] = messages
      .slice(0, -1)
      .map((m) =>
        m.role === 'assistant'
          ? { type: 'model', response: [m.text] }
          : m.role === 'system' || m.role === 'developer'
            ? { type: 'system', text: m.text }
            : { type: 'user', text: m.text },
      );
    const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? this.config.defaultMaxTokens;
    const temperature = request.temperature ?? 1;
    const grammar = await this.grammarFor(loaded.llama, request.response_format);
    const stop = request.stop === undefined || request.stop === null ? [] : [request.stop].flat();
    const sequence = loaded.context.getSequence();
    try {
      const session = new LlamaChatSession({ contextSequence: sequence });
      session.setChatHistory(history);
      let tokens = 0;
      const text = await session.prompt(last?.text ?? '', {
        maxTokens,
        temperature,
        ...(temperature > 0 ? { seed: (request.seed ?? job.requestHash) + index } : {}),
        ...(grammar ? { grammar } : {}),
        ...(stop.length > 0 ? { customStopTriggers: stop } : {}),
        signal: job.signal,
        onToken: (t) => {
          tokens += t.length;
        },
      });
      session.dispose({ disposeSequence: false });
      return { text, finish: tokens >= maxTokens ? 'length' : 'stop', tokens };
    } finally {
      await sequence.dispose();
    }
  }

  private grammarFor(
    llama: Llama,
    format: CompletionJob['request']['response_format'],
  ): Promise<LlamaGrammar> | undefined {
    if (!format || format.type === 'text') return undefined;
    const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
    const key = schema ? JSON.stringify(schema) : 'json';
    let grammar = this.grammars.get(key);
    if (!grammar) {
      // Schemas outside node-llama-cpp's supported subset fall back to plain JSON.
      grammar = schema
        ? llama.createGrammarForJsonSchema(schema as never).catch(() => llama.getGrammarFor('json'))
        : llama.getGrammarFor('json');
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  private async acquireSlot(signal: AbortSignal): Promise<void> {
    if (this.active < this.config.parallel) {
      this.active++;
      return;
    }
    if (this.waiting.length >= this.config.maxQueue) {
      throw new ApiError(
        503,
        `Model '${this.name}' is busy: ${this.config.parallel} requests running and ${this.waiting.length} queued ` +
          `(maxQueue ${this.config.maxQueue}). Retry after the Retry-After delay or lower your concurrency.`,
        'service_unavailable',
        null,
        'queue_full',
        { 'retry-after': '1' },
      );
    }
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new Error('client went away while queued'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    // Hand the slot straight to the next waiter; otherwise free it.
    if (next) next();
    else this.active--;
  }
}
