// The contract between the HTTP layer and a model backend.
import type { ChatRequest, PlainMessage } from '../base/chat-request.js';

export interface CompletionJob {
  request: ChatRequest;
  messages: PlainMessage[];
  /** Hash of the canonical request (model, messages, format, sampling settings except seed and n). */
  requestHash: number;
  choices: number;
  /** Aborted when the client disconnects or the server shuts down. */
  signal: AbortSignal;
}

export interface CompletionResult {
  contents: string[];
  finishReasons: ('stop' | 'length')[];
  /** Completion tokens per choice when the backend counts real tokens; else the server estimates. */
  completionTokens?: number[];
}

export interface ChatBackend {
  complete(job: CompletionJob): Promise<CompletionResult>;
  close(): Promise<void>;
}
