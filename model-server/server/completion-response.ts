// OpenAI-shaped chat completion bodies: one JSON object, or a server-sent-event stream of chunks.
import type { ServerResponse } from 'node:http';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface CompletionShape {
  id: string;
  created: number;
  model: string;
  contents: string[];
  finishReasons: ('stop' | 'length')[];
  usage: Usage;
}

export function completionBody(c: CompletionShape): Record<string, unknown> {
  return {
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    system_fingerprint: 'promptevo-local',
    choices: c.contents.map((content, index) => ({
      index,
      message: { role: 'assistant', content, refusal: null },
      logprobs: null,
      finish_reason: c.finishReasons[index] ?? 'stop',
    })),
    usage: c.usage,
  };
}

/** Writes the whole completion as SSE chunks: role, content, finish, optional usage, [DONE]. */
export function writeCompletionStream(
  res: ServerResponse,
  c: CompletionShape,
  includeUsage: boolean,
  headers: Record<string, string>,
): void {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = { id: c.id, object: 'chat.completion.chunk', created: c.created, model: c.model };
  const send = (payload: unknown): void => {
    res.write(`data: ${JSON.stringify(payload)}\n\n`);
  };
  c.contents.forEach((content, index) => {
    send({ ...base, choices: [{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    // A few chunks, split on word boundaries, so clients exercise their accumulation logic.
    for (const piece of content.match(/\S+\s*|\s+/g) ?? []) {
      send({ ...base, choices: [{ index, delta: { content: piece }, finish_reason: null }] });
    }
    send({ ...base, choices: [{ index, delta: {}, finish_reason: c.finishReasons[index] ?? 'stop' }] });
  });
  if (includeUsage) send({ ...base, choices: [], usage: c.usage });
  res.end('data: [DONE]\n\n');
}
