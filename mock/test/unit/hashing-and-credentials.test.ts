import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractCredential } from '../../src/credentials.ts';
import { generateKey, isWellFormedKey } from '../../src/key-format.ts';
import { createKeyHasher } from '../../src/key-hashing.ts';

describe('key hashing', () => {
  it('is HMAC-SHA-256 under the server secret', () => {
    const secret = randomBytes(32);
    const hasher = createKeyHasher(secret);
    const key = generateKey('test');
    expect(hasher.digest(key).equals(createHmac('sha256', secret).update(key).digest())).toBe(true);
  });

  it('depends on the server secret, so a digest is useless to another process', () => {
    const key = generateKey('live');
    expect(createKeyHasher().digest(key).equals(createKeyHasher().digest(key))).toBe(false);
  });

  it('never contains the key', () => {
    const hasher = createKeyHasher();
    const key = generateKey('test');
    const digest = hasher.digest(key);
    expect(digest.length).toBe(32);
    for (const encoding of ['hex', 'base64', 'latin1', 'utf8'] as const) expect(digest.toString(encoding)).not.toContain(key.slice(8, 16));
  });

  it('compares digests exactly, including digests of different lengths', () => {
    const hasher = createKeyHasher();
    const a = hasher.digest('a');
    expect(hasher.equal(a, Buffer.from(a))).toBe(true);
    const flipped = Buffer.from(a);
    flipped[31] ^= 1;
    expect(hasher.equal(a, flipped)).toBe(false);
    expect(hasher.equal(a, a.subarray(0, 31))).toBe(false);
  });

  it('refuses a short server secret', () => {
    expect(() => createKeyHasher(Buffer.alloc(16))).toThrow(RangeError);
  });
});

const raw = (...pairs: string[]) => pairs;

describe('credential extraction', () => {
  const key = generateKey('test');

  it('reads each of the three forms, scheme names in any case', () => {
    for (const scheme of ['ApiKey', 'apikey', 'APIKEY', 'aPiKeY']) {
      expect(extractCredential(raw('Authorization', `${scheme} ${key}`))).toEqual({ kind: 'presented', form: 'authorization-apikey', key });
    }
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      expect(extractCredential(raw('authorization', `${scheme} ${key}`))).toEqual({ kind: 'presented', form: 'authorization-bearer', key });
    }
    for (const name of ['X-API-Key', 'x-api-key', 'X-Api-Key']) {
      expect(extractCredential(raw(name, key))).toEqual({ kind: 'presented', form: 'x-api-key', key });
    }
  });

  it('finds no credential when neither header is there', () => {
    expect(extractCredential(raw('Host', 'x', 'Accept', '*/*'))).toEqual({ kind: 'none' });
    expect(extractCredential([])).toEqual({ kind: 'none' });
  });

  it('calls two credentials ambiguous, even the same key twice', () => {
    expect(extractCredential(raw('Authorization', `Bearer ${key}`, 'X-API-Key', key)).kind).toBe('ambiguous');
    expect(extractCredential(raw('Authorization', `Bearer ${key}`, 'authorization', `Bearer ${key}`)).kind).toBe('ambiguous');
    expect(extractCredential(raw('X-API-Key', key, 'x-api-key', key)).kind).toBe('ambiguous');
    expect(extractCredential(raw('X-API-Key', '', 'Authorization', 'Basic x')).kind).toBe('ambiguous');
  });

  it('takes a header that cannot carry a key as presented, and leaves refusing it to the pipeline', () => {
    // No space after a six-letter scheme word: no form and nothing to read a key from.
    for (const value of ['Basic dXNlcjpwYXNz', 'Bearer', 'ApiKey', 'Token abc', key, `Bearer:${key}`, 'Bearer\tabc', '']) {
      expect(extractCredential(raw('Authorization', value)), JSON.stringify(value)).toEqual({ kind: 'presented', form: null, key: null });
    }
    // Another six-letter scheme word: no form, which no operation accepts, whatever follows.
    expect(extractCredential(raw('Authorization', `Digest ${key}`))).toEqual({ kind: 'presented', form: null, key });
    // An accepted form with nothing (or blanks) for a key: the key format check refuses it.
    expect(extractCredential(raw('Authorization', 'Bearer '))).toEqual({ kind: 'presented', form: 'authorization-bearer', key: '' });
    expect(extractCredential(raw('X-API-Key', ''))).toEqual({ kind: 'presented', form: 'x-api-key', key: '' });
    // Blanks-only never arrives from Node's parser (it trims them); were it to, it is no key either.
    expect(extractCredential(raw('X-API-Key', '   '))).toEqual({ kind: 'presented', form: 'x-api-key', key: '   ' });
    for (const candidate of ['', '   ']) expect(isWellFormedKey(candidate)).toBe(false);
  });

  it('takes an X-API-Key as it comes: nothing around a key is trimmed away', () => {
    // Byte 0xA0 arrives as U+00A0, which String.prototype.trim would strip.
    for (const stray of ['\u00a0', '\u2028', '\ufeff', '\u000b', ' ']) {
      expect(extractCredential(raw('X-API-Key', `${stray}${key}${stray}`))).toEqual({ kind: 'presented', form: 'x-api-key', key: `${stray}${key}${stray}` });
    }
  });

  it('keeps what follows the single space as the key, so extra spaces make it malformed', () => {
    expect(extractCredential(raw('Authorization', `Bearer  ${key}`))).toEqual({ kind: 'presented', form: 'authorization-bearer', key: ` ${key}` });
  });

  it('never throws, whatever the headers', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('Authorization', 'X-API-Key', 'Host', 'authorization'), fc.string())), (pairs) => {
        const result = extractCredential(pairs.flat());
        const count = pairs.filter(([n]) => n.toLowerCase() !== 'host').length;
        expect(result.kind).toBe(count === 0 ? 'none' : count === 1 ? 'presented' : 'ambiguous');
      }),
    );
  });
});
