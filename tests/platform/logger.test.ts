/**
 * No key, token or password in a log line: error texts quoting a URL lose the secret it carried, whoever
 * logs them (the refresh's reason, an error object).
 */
import { Writable } from 'node:stream';
import { createLogger, redactSecrets } from '../../src/platform/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('secrets in log lines', () => {
  test('when a message quotes a URL with a key, a token or a password, then only the secret is blanked', () => {
    expect(
      redactSecrets('https://api.congress.gov/v3/bill/119/hr/3921?format=json&api_key=abc123 answered 500'),
    ).toBe('https://api.congress.gov/v3/bill/119/hr/3921?format=json&api_key=[redacted] answered 500');
    expect(redactSecrets('POST https://cwc.example/v2/message?apikey=s3cr3t failed')).toBe(
      'POST https://cwc.example/v2/message?apikey=[redacted] failed',
    );
    expect(redactSecrets('cannot connect to smtps://letters:hunter2@mail.example:465')).toBe(
      'cannot connect to smtps://letters:[redacted]@mail.example:465',
    );
    expect(redactSecrets('/confirm?token=abcdef&lang=es')).toBe('/confirm?token=[redacted]&lang=es');
    expect(redactSecrets('legislators-current.json: download failed with HTTP 502')).toBe(
      'legislators-current.json: download failed with HTTP 502',
    );
  });

  test('when a refresh reason or an error object holds a key, then the written line does not', () => {
    const { logger, lines } = capture();
    logger.warn(
      { event: 'civic_data.bill_status_failed', reason: 'https://api.congress.gov/v3/bill?api_key=KEY-1' },
      'bill status refresh failed',
    );
    logger.error({ err: new Error('connect smtp://u:KEY-2@mail.example failed') }, 'request failed');
    const written = lines.join('');
    expect(written).not.toContain('KEY-1');
    expect(written).not.toContain('KEY-2');
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first!.reason).toBe('https://api.congress.gov/v3/bill?api_key=[redacted]');
    expect(second!.err).toMatchObject({
      type: 'Error',
      message: 'connect smtp://u:[redacted]@mail.example failed',
    });
  });

  test('when a message is long and has no secret, then redaction reads it once (linear patterns)', () => {
    const long = `https://x.example/?${'a'.repeat(200_000)}://${'b:'.repeat(50_000)}`;
    expect(redactSecrets(long)).toBe(long);
  });
});
