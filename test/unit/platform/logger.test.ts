import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../../../platform/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('info', stream), text: () => lines.join('') };
}

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

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('generation 3 of run abc scored 0.82')).toBe('generation 3 of run abc scored 0.82');
  });
});
