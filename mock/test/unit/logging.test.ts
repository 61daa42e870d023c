import { describe, expect, it } from 'vitest';
import { generateKey } from '../../src/key-format.ts';
import { loggableUrl, redactSecrets, REDACTED } from '../../src/logging.ts';
import { secretPart } from '../support/spec-values.ts';

describe('log redaction', () => {
  const key = generateKey('test');

  it('redacts a key however it arrives: plain, percent-encoded, cut from its prefix or split', () => {
    const lines = [
      `{"url":"/v1/ping?api_key=${key}"}`,
      `{"url":"/v1/ping?x=${key.replace(/_/g, '%5F')}"}`,
      `{"url":"/v1/ping?x=${key.replace(/_/g, '%5f')}"}`,
      `{"url":"/v1/ping?x=${key.slice(8)}"}`,
      `{"url":"/v1/ping?x=${key.slice(0, 12)}\\u0000${key.slice(12)}"}`,
      `{"msg":"${key.toUpperCase()}"}`,
    ];
    for (const line of lines) {
      const redacted = redactSecrets(line);
      expect(redacted, line).toContain(REDACTED);
      expect(redacted, line).not.toContain(secretPart(key));
    }
  });

  it('leaves the server\'s own ids and ordinary words alone', () => {
    const line = '{"requestId":"req_69w0d6pSgTjncHpdzB000001","keyId":"key_5PDU3JXfTYS3rxspQKVq2wXZ","msg":"request","url":"/v1/api-keys?limit=20"}';
    expect(redactSecrets(line)).toBe(line);
  });

  it('decodes percent-encoding in logged URLs, so an encoded key is seen (and redacted)', () => {
    const encoded = [...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    expect(loggableUrl(`/v1/ping?x=${encoded}`)).toBe(`/v1/ping?x=${key}`);
    expect(redactSecrets(loggableUrl(`/v1/ping?x=${encoded}`))).toBe(`/v1/ping?x=${REDACTED}`);
    expect(loggableUrl('/v1/%zz')).toBe('/v1/%zz');
  });
});
