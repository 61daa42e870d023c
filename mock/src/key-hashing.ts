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

/** What the text of a presented key says by itself: not a key at all, or a key with this digest. */
export type KeyFacts = Buffer | typeof MALFORMED_KEY;
export const MALFORMED_KEY = 'malformed';

/**
 * What one connection remembers of the last key presented on it: its text and what that text says
 * by itself — malformed (format or checksum), or well-formed with this HMAC digest. Both are pure
 * functions of the text, so a key equal to the remembered one needs neither the checksum nor the
 * HMAC again: a kept-alive client sends the same key on every request, and the two together cost
 * more CPU than the rest of the request's authentication. Only these facts are remembered, never a
 * decision: a well-formed key is still looked up on every request, compared with `equal` and
 * checked for expiry and revocation, and a malformed one is still refused without a lookup. Keys
 * are compared in constant time, so a connection shared by several clients (a proxy's pool) tells
 * none of them anything about another's key; the memo lives only as long as the connection.
 */
export class PresentedKeyMemo {
  private key = '';
  private facts: KeyFacts | null = null;

  /** The facts of `key` if it is the key remembered; null otherwise. */
  recall(key: string): KeyFacts | null {
    return this.facts !== null && sameText(this.key, key) ? this.facts : null;
  }

  remember(key: string, facts: KeyFacts): void {
    this.key = key;
    this.facts = facts;
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
