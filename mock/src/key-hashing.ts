import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';

// Keys are stored only as HMAC-SHA-256 digests under a server secret. Keys carry 178 bits of
// entropy, so a keyed fast hash is enough (a slow password hash would only cost throughput);
// the secret means a dump of the store cannot even be used to test guesses offline.

export interface KeyHasher {
  /** The digest of a key, 32 bytes. */
  digest(key: string): Buffer;
  /** Constant-time comparison of two digests. */
  equal(a: Buffer, b: Buffer): boolean;
}

/** A digest as a Map key: one byte per character, cheap to build and to hash. */
export function digestIndexKey(digest: Buffer): string {
  return digest.toString('latin1');
}

export function createKeyHasher(serverSecret: Buffer = randomBytes(32)): KeyHasher {
  if (serverSecret.length < 32) throw new RangeError('the server secret must be at least 32 bytes');
  // Imported once: handing createHmac a raw Buffer re-imports the key on every request (~0.3 µs).
  const secretKey = createSecretKey(serverSecret);
  return {
    digest(key) {
      return createHmac('sha256', secretKey).update(key).digest();
    },
    equal(a, b) {
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
