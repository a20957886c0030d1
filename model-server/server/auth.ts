// The model server's one key check, used by every route: when the config sets `apiKey`, a request
// must send `Authorization: Bearer <apiKey>`. Compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../base/api-error.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function isAuthorized(req: IncomingMessage, apiKey: string | undefined): boolean {
  if (!apiKey) return true;
  const sent = req.headers.authorization ?? '';
  return timingSafeEqual(digest(sent), digest(`Bearer ${apiKey}`));
}

export const unauthorized = (): ApiError =>
  new ApiError(
    401,
    'Incorrect or missing API key: send `Authorization: Bearer <key>` with the apiKey from the model server config.',
    'authentication_error',
    null,
    'invalid_api_key',
  );
