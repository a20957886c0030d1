import type { Db } from '../platform/db.js';

/** A paid answer as the response cache keeps it. Entries are written with their ledger row (ledger.ts). */
export interface CachedResponse {
  content: string;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
}

/** The answer stored for a canonical request's key, or undefined. */
export async function cachedResponse(db: Db, key: string): Promise<CachedResponse | undefined> {
  const { rows } = await db.query<{
    response: { content: string; latencyMs: number };
    prompt_tokens: number;
    completion_tokens: number;
  }>('SELECT response, prompt_tokens, completion_tokens FROM response_cache WHERE key = $1', [key]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    content: row.response.content,
    latencyMs: row.response.latencyMs,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
  };
}

/** The answers stored for many keys in one query (an activity's batch), by key; absent keys are misses. */
export async function cachedResponses(db: Db, keys: readonly string[]): Promise<Map<string, CachedResponse>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<{
    key: string;
    response: { content: string; latencyMs: number };
    prompt_tokens: number;
    completion_tokens: number;
  }>('SELECT key, response, prompt_tokens, completion_tokens FROM response_cache WHERE key = ANY($1)', [
    [...new Set(keys)],
  ]);
  return new Map(
    rows.map((row) => [
      row.key,
      {
        content: row.response.content,
        latencyMs: row.response.latencyMs,
        promptTokens: row.prompt_tokens,
        completionTokens: row.completion_tokens,
      },
    ]),
  );
}

/** Forgets every cached answer (benchmarks measuring paid calls start from an empty cache). */
export async function clearResponseCache(db: Db): Promise<void> {
  await db.query('DELETE FROM response_cache');
}
