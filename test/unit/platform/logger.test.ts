import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets, registerSecret, registerSecretsFromEnv } from '../../../platform/logger.js';
import { temporalLogger } from '../../../worker/temporal-logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('debug', stream), text: () => lines.join(''), lines };
}

/** A key of no known shape: only registration can catch it. */
const ODD_KEY = 'Zq9-7fXw_not-an-sk-key-31337';

describe('logger redaction', () => {
  it('masks secret-shaped fields and free-text keys', () => {
    const { log, text } = capture();
    log.info(
      { apiKey: 'sk-live-abcdefghijkl', request: { headers: { authorization: 'Bearer abcdefghijklmnop' } } },
      'calling',
    );
    log.warn('retrying with key sk-proj-1234567890abcdef against postgres://u:pw1234@db:5432/x');
    const out = text();
    expect(out).not.toContain('sk-live-abcdefghijkl');
    expect(out).not.toContain('abcdefghijklmnop');
    expect(out).not.toContain('sk-proj-1234567890abcdef');
    expect(out).not.toContain('pw1234');
    expect(out).toContain('calling');
  });

  it('leaves ordinary text and counters alone', () => {
    expect(redactSecrets('generation 3 of run abc scored 0.82')).toBe('generation 3 of run abc scored 0.82');
    const { log, lines } = capture();
    log.info({ usage: { promptTokens: 12, totalTokens: 20 }, apiKeyEnv: 'OPENAI_API_KEY' }, 'call done');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      usage: { promptTokens: 12, totalTokens: 20 },
      apiKeyEnv: 'OPENAI_API_KEY',
      msg: 'call done',
    });
  });

  it('masks secret-named fields at any depth, in arrays too', () => {
    const { log, text } = capture();
    let deep: Record<string, unknown> = { password: 'hunter2-deep-value' };
    for (let i = 0; i < 12; i++) deep = { level: i, inner: deep };
    log.info({ deep, list: [{ token: 'tok-in-an-array' }, { clientSecret: 'cs-in-an-array' }] }, 'nested');
    const out = text();
    expect(out).not.toContain('hunter2-deep-value');
    expect(out).not.toContain('tok-in-an-array');
    expect(out).not.toContain('cs-in-an-array');
    expect(out).toContain('"level":11');
  });

  it('masks a registered key of any shape in messages, format arguments, bindings, fields and errors', () => {
    registerSecret(ODD_KEY);
    const { log, text } = capture();
    const inner = new Error(`upstream said: key ${ODD_KEY} is not valid`);
    const err = new Error('request failed', { cause: inner }) as Error & { details: unknown };
    err.details = { sent: [`prefix-${ODD_KEY}-suffix`], header: `x ${ODD_KEY}` };
    const aggregate = new AggregateError([new Error(`one ${ODD_KEY}`)], 'several');
    const child = log.child({ component: `c-${ODD_KEY}` });
    child.error({ err }, 'call failed');
    child.error(err);
    child.warn({ aggregate, nested: { a: { b: { c: { d: { e: { f: ODD_KEY } } } } } } }, 'agg');
    child.info('format %s and %o', ODD_KEY, { v: ODD_KEY });
    child.info({ quoted: `"${ODD_KEY}"` }, `text ${ODD_KEY}`);
    child.child({ auth: { password: 'pw-in-bindings-123' } }).info('grandchild');
    const out = text();
    expect(out).toContain('grandchild');
    expect(out).not.toContain('pw-in-bindings-123');
    expect(out).not.toContain(ODD_KEY);
    expect(out).not.toContain('Zq9-7fXw');
    // The error is still useful: type, message, stack and cause survive.
    const first = JSON.parse(out.split('\n')[0]!) as { err: Record<string, unknown> };
    expect(first.err).toMatchObject({ type: 'Error', message: 'request failed' });
    expect(String(first.err.stack)).toContain('logger.test.ts');
    expect((first.err.cause as { message: string }).message).toBe('upstream said: key *** is not valid');
    expect((first.err.details as { sent: string[] }).sent).toEqual(['prefix-***-suffix']);
  });

  it('registers key-holding environment variables and the database password at startup', () => {
    registerSecretsFromEnv({
      PROMPTEVO_KEY_VENDOR: 'vendor-key-of-odd-shape-1',
      MY_PROVIDER_API_KEY: 'provider-key-value-2',
      DATABASE_URL: 'postgres://worker:db%2Fpass-3@db:5432/x',
      PATH: '/usr/bin:/bin',
      LOG_LEVEL: 'debug',
      SHORT_KEY: 'abc',
    });
    const { log, text } = capture();
    log.info(
      { env: 'vendor-key-of-odd-shape-1 provider-key-value-2 db/pass-3 db%2Fpass-3', path: '/usr/bin:/bin' },
      'debug abc',
    );
    const out = text();
    expect(out).not.toMatch(/vendor-key|provider-key|pass-3/);
    expect(out).toContain('/usr/bin:/bin');
    expect(out).toContain('debug abc'); // values shorter than 6 characters are not registered
  });

  it('cuts cycles and keeps going', () => {
    const { log, lines } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    log.info({ cyclic, bytes: Buffer.from(ODD_KEY) }, 'cycle');
    expect(JSON.parse(lines[0]!)).toMatchObject({ cyclic: { name: 'loop', self: '[Circular]' }, bytes: '[28 bytes]' });
  });

  it("covers the Temporal SDK's log lines routed through the process logger", () => {
    registerSecret(ODD_KEY);
    const { log, text } = capture();
    const sdk = temporalLogger(log);
    sdk.warn(`Activity failed: ${ODD_KEY}`, { error: new Error(`boom ${ODD_KEY}`), attempt: 2 });
    sdk.error('Workflow task failed', { failure: { cause: { message: ODD_KEY, stackTrace: ODD_KEY } } });
    const out = text();
    expect(out).toContain('temporal-sdk');
    expect(out).toContain('Activity failed: ***');
    expect(out).not.toContain(ODD_KEY);
  });
});
