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
 * What one connection remembers of the last well-formed key presented on it: the key's text and
 * its digest. Both facts are pure functions of the text — the key is well-formed (format and
 * checksum) and its HMAC digest is this — so a key equal to the remembered one needs neither
 * again. A kept-alive client sends the same key on every request, and the checksum and the HMAC
 * together cost more CPU than the rest of the request's authentication. Only these facts are
 * remembered, never a decision: every request is still looked up by its digest, compared with
 * `equal` and checked for expiry and revocation, and a key that is not well-formed is never
 * remembered, so it is refused without a lookup every time. Keys are compared in constant time,
 * so a connection shared by several clients (a proxy's pool) tells none of them anything about
 * another's key; the memo lives only as long as the connection.
 */
export class PresentedKeyMemo {
  private key = '';
  private digest: Buffer | null = null;

  /** The digest of `key` if it is the key remembered (so it is well-formed); null otherwise. */
  recall(key: string): Buffer | null {
    return this.digest !== null && sameText(this.key, key) ? this.digest : null;
  }

  /** Remembers a key found well-formed, with its digest. */
  remember(key: string, digest: Buffer): void {
    this.key = key;
    this.digest = digest;
  }
}

/** Equal strings, in time that depends on their length only. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** One PresentedKeyMemo per connection, for as long as the connection lives. */
export function connectionKeyMemos(): (connection: object) => PresentedKeyMemo {
  const memos = new WeakMap<object, PresentedKeyMemo>();
  return (connection) => {
    let memo = memos.get(connection);
    if (memo === undefined) memos.set(connection, (memo = new PresentedKeyMemo()));
    return memo;
  };
}
