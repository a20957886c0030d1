import type { HostRule } from './types.js';

/**
 * Parses the key → hosts binding, `NAME=host[:port][,host...];NAME=...`, e.g.
 * `PROMPTEVO_KEY_OPENAI=api.openai.com;PROMPTEVO_KEY_LOCAL=127.0.0.1:8787`.
 * Every name must start with the key prefix, so a binding can never make DATABASE_URL a key.
 */
export function parseKeyHosts(
  text: string,
  keyPrefix: string,
): { bindings: Record<string, HostRule[]>; problems: string[] } {
  const bindings: Record<string, HostRule[]> = {};
  const problems: string[] = [];
  for (const entry of text.split(';').map((e) => e.trim())) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const name = eq < 0 ? '' : entry.slice(0, eq).trim();
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) {
      problems.push(`"${entry}" is not NAME=host[:port][,host...], e.g. PROMPTEVO_KEY_OPENAI=api.openai.com`);
      continue;
    }
    if (!name.startsWith(keyPrefix)) {
      problems.push(`binds ${name}, which does not start with the key prefix "${keyPrefix}"; rename the variable`);
      continue;
    }
    const rules: HostRule[] = [];
    for (const hostText of entry
      .slice(eq + 1)
      .split(',')
      .map((h) => h.trim())) {
      const rule = parseHostRule(hostText);
      if (rule) rules.push(rule);
      else problems.push(`${name}: "${hostText}" is not a host or host:port, e.g. api.openai.com or 127.0.0.1:8787`);
    }
    bindings[name] = [...(bindings[name] ?? []), ...rules];
  }
  return { bindings, problems };
}

function parseHostRule(text: string): HostRule | undefined {
  const match = /^(\*\.)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match || match[2] === undefined) return undefined;
  const host = `${match[1] ?? ''}${match[2].toLowerCase()}`;
  if (match[3] === undefined) return { host };
  const port = Number(match[3]);
  return port > 0 && port < 65536 ? { host, port } : undefined;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The host and port a request to `url` goes to, as the binding compares them. */
export function endpointOf(url: string): { host: string; port: number } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = parsed.port === '' ? DEFAULT_PORTS[parsed.protocol] : Number(parsed.port);
  return port === undefined ? undefined : { host: parsed.hostname.toLowerCase(), port };
}

export function hostAllowed(url: string, rules: readonly HostRule[]): boolean {
  const target = endpointOf(url);
  if (!target) return false;
  return rules.some((rule) => {
    if (rule.port !== undefined && rule.port !== target.port) return false;
    if (rule.host.startsWith('*.')) return target.host.endsWith(rule.host.slice(1));
    return rule.host === target.host;
  });
}

export function describeHostRules(rules: readonly HostRule[]): string {
  return rules.map((r) => (r.port === undefined ? r.host : `${r.host}:${r.port}`)).join(', ');
}
