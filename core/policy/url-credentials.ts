/**
 * Credentials written into a URL: `https://user:key@host/v1` or `...?api-key=...`. Such a URL
 * would be stored with the run (spec, cache keys, history, report), so it is refused.
 */
const SECRET_PARAM_WORDS = new Set([
  'key',
  'apikey',
  'token',
  'accesstoken',
  'secret',
  'clientsecret',
  'password',
  'passwd',
  'pwd',
  'signature',
  'sig',
  'auth',
  'authorization',
  'credential',
  'credentials',
]);

/** True for a query parameter named like a credential: key, api-key, apiKey, access_token, X-Amz-Signature, ... */
export function isSecretParamName(name: string): boolean {
  const lower = name.toLowerCase();
  if (SECRET_PARAM_WORDS.has(lower.replace(/[-_.]/g, ''))) return true;
  return lower.split(/[-_.]/).some((word) => SECRET_PARAM_WORDS.has(word));
}

/** What is wrong with a URL that carries credentials, or undefined when it carries none. */
export function urlCredentialProblem(text: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim())) return undefined;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    return 'the URL carries credentials (user:password@host); remove them and put the key in an environment variable named in apiKeyEnv';
  }
  const names = [...new Set([...url.searchParams.keys()].filter(isSecretParamName))];
  if (names.length > 0) {
    return `the URL carries a credential in its query (${names.map((n) => `"${n}"`).join(', ')}); remove it and put the key in an environment variable named in apiKeyEnv`;
  }
  return undefined;
}
