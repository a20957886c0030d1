// Validation of `POST /v1/chat/completions` bodies. Unknown top-level arguments are rejected the way
// OpenAI rejects them, so a client bug shows up here rather than as a silently ignored option.
import { z } from 'zod';
import { badRequest } from './api-error.js';

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const contentSchema = z.union([
  z.string(),
  z.array(z.union([textPart, z.looseObject({ type: z.string() })])),
  z.null(),
]);

const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: contentSchema.optional(),
  name: z.string().optional(),
});

const jsonSchemaFormat = z.looseObject({
  type: z.literal('json_schema'),
  json_schema: z.looseObject({
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  jsonSchemaFormat,
]);

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  n: z.number().int().min(1).max(16).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  max_tokens: z.number().int().min(1).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  response_format: responseFormat.nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
});

const knownArguments = new Set([
  ...Object.keys(chatRequestSchema.shape),
  'user',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'metadata',
  'store',
  'service_tier',
  'reasoning_effort',
  'modalities',
  'prediction',
  'audio',
  'web_search_options',
  'verbosity',
]);

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];

/** A message reduced to role and plain text, which is all the backends read. */
export interface PlainMessage {
  role: string;
  text: string;
}

export function messageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

export function parseChatRequest(body: unknown): ChatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object with "model" and "messages".');
  }
  for (const key of Object.keys(body)) {
    if (!knownArguments.has(key)) throw badRequest(`Unrecognized request argument supplied: ${key}`, key);
  }
  const result = chatRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue ? issue.path.join('.') : null;
    throw badRequest(`Invalid value for '${param ?? 'body'}': ${issue?.message ?? 'invalid request'}`, param || null);
  }
  return result.data;
}
