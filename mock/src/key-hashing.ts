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

/**
 * The digest of the last key hashed on one connection. A client sends the same key on every
 * request of a kept-alive connection, and HMAC costs about as much CPU as the rest of the
 * request's authentication: here it is computed once per connection and key. Only the digest
 * function is remembered, never a decision: every request is still looked up by its digest,
 * compared with `equal` and checked for expiry and revocation. A key is compared with the
 * remembered one in constant time, so a connection shared by several clients (a proxy's pool)
 * tells none of them anything about another's key; it is held only while the connection lives.
 */
export class DigestMemo {
  private key = '';
  private remembered: Buffer | null = null;

  constructor(private readonly hasher: KeyHasher) {}

  digest(key: string): Buffer {
    if (this.remembered !== null && sameText(this.key, key)) return this.remembered;
    this.remembered = this.hasher.digest(key);
    this.key = key;
    return this.remembered;
  }
}

/** Equal strings, in time that depends on their length only. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** One DigestMemo per connection, for as long as the connection lives. */
export function connectionDigests(hasher: KeyHasher): (connection: object) => DigestMemo {
  const memos = new WeakMap<object, DigestMemo>();
  return (connection) => {
    let memo = memos.get(connection);
    if (memo === undefined) memos.set(connection, (memo = new DigestMemo(hasher)));
    return memo;
  };
}
