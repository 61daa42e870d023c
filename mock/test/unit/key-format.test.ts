import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE62_ALPHABET } from '../../src/base62.ts';
import {
  checksumOf,
  displayPrefix,
  generateKey,
  isWellFormedKey,
  keyFormatFault,
  keyMode,
} from '../../src/key-format.ts';
import { loadContract } from '../../src/spec.ts';
import { createSchemaCompiler } from '../../src/schema-compiler.ts';

const contract = loadContract();
const compiler = createSchemaCompiler(contract.document);
const secretSchema = compiler.compile({ $ref: '#/components/schemas/SecretKey' });
const prefixSchema = compiler.compile({ $ref: '#/components/schemas/KeyPrefix' });

/** The checksum computed independently: base62 digits of the CRC by repeated division. */
function referenceChecksum(prefixAndBody: string): string {
  let value = BigInt(crc32(prefixAndBody));
  const digits: string[] = [];
  while (value > 0n) {
    digits.unshift(BASE62_ALPHABET[Number(value % 62n)]);
    value /= 62n;
  }
  return digits.join('').padStart(6, '0');
}

const base62Char = fc.constantFrom(...BASE62_ALPHABET.split(''));
const body30 = fc.string({ unit: base62Char, minLength: 30, maxLength: 30 });
const mode = fc.constantFrom('live' as const, 'test' as const);
const wellFormed = fc.tuple(mode, body30).map(([m, body]) => {
  const head = `hk_${m}_${body}`;
  return head + referenceChecksum(head);
});

describe('key format', () => {
  it('generates keys that match the spec SecretKey schema and check out', () => {
    for (const m of ['live', 'test'] as const) {
      for (let i = 0; i < 200; i++) {
        const key = generateKey(m);
        expect(secretSchema(key), key).toBe(true);
        expect(key.startsWith(`hk_${m}_`)).toBe(true);
        expect(keyFormatFault(key)).toBeNull();
        expect(keyMode(key)).toBe(m);
        expect(prefixSchema(displayPrefix(key))).toBe(true);
      }
    }
  });

  it('generates different bodies every time', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateKey('test')));
    expect(keys.size).toBe(2000);
  });

  it('uses every base62 character in generated bodies', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) for (const c of generateKey('test').slice(8, 38)) seen.add(c);
    expect([...seen].sort().join('')).toBe([...BASE62_ALPHABET].sort().join(''));
  });

  it('computes the checksum as zlib CRC-32 in base62, most significant digit first, zero-padded', () => {
    fc.assert(
      fc.property(fc.tuple(mode, body30), ([m, body]) => {
        const head = `hk_${m}_${body}`;
        expect(checksumOf(head)).toBe(referenceChecksum(head));
      }),
    );
    // A CRC small enough to need padding: find one by search rather than trusting a constant.
    let head = '';
    for (let i = 0; ; i++) {
      head = `hk_test_${String(i).padStart(30, '0')}`;
      if (crc32(head) < 62 ** 5) break;
    }
    expect(checksumOf(head).startsWith('0')).toBe(true);
  });

  it('accepts every well-formed key', () => {
    fc.assert(fc.property(wellFormed, (key) => isWellFormedKey(key)));
  });

  it('rejects a key with any single character of its body or checksum changed', () => {
    fc.assert(
      fc.property(wellFormed, fc.integer({ min: 8, max: 43 }), base62Char, (key, index, replacement) => {
        fc.pre(key[index] !== replacement);
        const changed = key.slice(0, index) + replacement + key.slice(index + 1);
        // CRC-32 detects every single-character change of the body; a changed checksum never matches.
        expect(keyFormatFault(changed)).toBe('checksum');
      }),
    );
  });

  it('rejects two swapped adjacent characters', () => {
    fc.assert(
      fc.property(wellFormed, fc.integer({ min: 8, max: 36 }), (key, index) => {
        fc.pre(key[index] !== key[index + 1]);
        const swapped = key.slice(0, index) + key[index + 1] + key[index] + key.slice(index + 2);
        expect(isWellFormedKey(swapped)).toBe(false);
      }),
    );
  });

  it('rejects every wrong length, truncated or padded', () => {
    fc.assert(
      fc.property(wellFormed, fc.integer({ min: 0, max: 100 }), (key, length) => {
        fc.pre(length !== 44);
        const resized = length < 44 ? key.slice(0, length) : key + 'A'.repeat(length - 44);
        expect(keyFormatFault(resized)).toBe('length');
      }),
    );
  });

  it('rejects a wrong scheme or environment prefix', () => {
    fc.assert(
      fc.property(wellFormed, fc.string({ minLength: 8, maxLength: 8 }), (key, prefix) => {
        fc.pre(prefix !== 'hk_live_' && prefix !== 'hk_test_');
        expect(isWellFormedKey(prefix + key.slice(8))).toBe(false);
      }),
    );
    const key = generateKey('test');
    for (const prefix of ['HK_TEST_', 'hk_Test_', 'sk_test_', 'hk_prod_', 'hk-test-', 'hk_test-']) {
      expect(keyFormatFault(prefix + key.slice(8)), prefix).toBe('prefix');
    }
  });

  it('rejects a prefix swapped between live and test (the checksum covers it)', () => {
    const key = generateKey('test');
    expect(keyFormatFault('hk_live_' + key.slice(8))).toBe('checksum');
  });

  it('rejects characters outside base62 anywhere after the prefix', () => {
    const outside = fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !BASE62_ALPHABET.includes(c) && c.length === 1);
    fc.assert(
      fc.property(wellFormed, fc.integer({ min: 8, max: 43 }), outside, (key, index, c) => {
        const changed = key.slice(0, index) + c + key.slice(index + 1);
        expect(keyFormatFault(changed)).toBe('alphabet');
      }),
    );
    const key = generateKey('live');
    for (const c of [' ', '-', '_', 'é', '\u0000', '\u200b', '/', '+', '=']) {
      expect(isWellFormedKey(key.slice(0, 20) + c + key.slice(21)), JSON.stringify(c)).toBe(false);
    }
  });

  it('rejects arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => !isWellFormedKey(s) || secretSchema(s)));
  });
});
