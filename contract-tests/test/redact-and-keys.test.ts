import { describe, expect, test } from 'vitest';
import { checksumOf, malformedVariants, unknownWellFormedKey, withChecksum } from '../src/harness/key-material.ts';
import { REDACTED, Redactor } from '../src/redact.ts';
import { Contract } from '../src/spec/contract.ts';

const contract = Contract.load();
const format = contract.keyFormat;

/** Every full secret the spec shows as an example (SecretKey and the created/regenerated keys). */
function exampleSecrets(): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string' && format.pattern.test(value)) found.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(contract.spec.root.components);
  return [...new Set(found)];
}

describe('key material', () => {
  test('the checksum reproduces every example secret of the spec', () => {
    const examples = exampleSecrets();
    expect(examples.length).toBeGreaterThan(0);
    for (const secret of examples) expect(withChecksum(secret.slice(0, secret.length - 6))).toBe(secret);
  });

  test('a checksum is 6 base62 characters', () => {
    for (const text of ['', 'a', 'hk_test_', 'x'.repeat(100)]) expect(checksumOf(text)).toMatch(/^[0-9A-Za-z]{6}$/);
  });

  test('an unknown key passes every offline check: pattern and checksum', () => {
    for (const prefix of format.environmentPrefixes) {
      const key = unknownWellFormedKey(format, prefix);
      expect(key).toMatch(format.pattern);
      expect(key.startsWith(prefix)).toBe(true);
      expect(withChecksum(key.slice(0, -6))).toBe(key);
    }
  });

  test('each malformed variant of a valid key breaks the pattern or the checksum', () => {
    const key = unknownWellFormedKey(format);
    const variants = malformedVariants(key, format);
    expect(variants.length).toBeGreaterThanOrEqual(4);
    for (const variant of variants) {
      const wellFormed = format.pattern.test(variant.value) && withChecksum(variant.value.slice(0, -6)) === variant.value;
      expect(wellFormed, variant.label).toBe(false);
      expect(variant.value).not.toBe(key);
    }
  });
});

describe('Redactor', () => {
  const secret = unknownWellFormedKey(format);

  test('replaces a known secret wherever it appears, keeping only the public prefix', () => {
    const redactor = new Redactor([secret]);
    const out = redactor.redact(`Authorization: ApiKey ${secret}\n{"detail":"bad key ${secret}"}`);
    expect(out).not.toContain(secret);
    expect(out).toContain(`${secret.slice(0, format.listedPrefixLength)}${REDACTED}`);
  });

  test('cuts near-copies of keys (one character changed, truncated, other prefix) to their prefix', () => {
    const redactor = new Redactor([secret]);
    for (const variant of malformedVariants(secret, format)) {
      const out = redactor.redact(`sent ${variant.value} here`);
      expect(out, variant.label).not.toContain(variant.value.slice(16, 30));
    }
  });

  test('leaves public prefixes and other text alone', () => {
    const redactor = new Redactor([secret]);
    const text = `{"prefix":"${secret.slice(0, 16)}","id":"key_3xQm7RcV9pLk2NwT8sHa4YdE"}`;
    expect(redactor.redact(text)).toBe(text);
  });

  test('redactDeep reaches every string of a structure', () => {
    const redactor = new Redactor([secret]);
    const out = redactor.redactDeep({ headers: [['X-API-Key', secret]], body: { nested: [secret] }, status: 401 });
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(out.status).toBe(401);
  });

  test('a configured key of any length or format is redacted: a short one where it stands as a word, one not in Herald\'s format whole', () => {
    const redactor = new Redactor(['k3y9', undefined, '', 'acme-live-0123456789abcdefghij']);
    expect(redactor.known()).toEqual(['k3y9', 'acme-live-0123456789abcdefghij']);
    expect(redactor.redact('Authorization: Bearer k3y9, k3y95 and ak3y9 stay; key=k3y9')).toBe('Authorization: Bearer [REDACTED], k3y95 and ak3y9 stay; key=[REDACTED]');
    expect(redactor.redact('X-API-Key: acme-live-0123456789abcdefghij')).toBe('X-API-Key: [REDACTED]');
  });
});
