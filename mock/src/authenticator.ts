import { MALFORMED_KEY, type KeyFacts, type KeyHasher, type PresentedKeyMemo } from './key-hashing.ts';
import { isWellFormedKey } from './key-format.ts';
import type { KeyRecord, SecretSlot, Store } from './store.ts';

// Decides whether a presented key authenticates: format and checksum first (no lookup for a
// malformed key), then the store lookup by digest and a constant-time comparison, then the
// key's state. It knows nothing of HTTP.

export type AuthenticationFailure = 'invalid_api_key' | 'expired_api_key' | 'revoked_api_key';

export type Authentication =
  | { readonly ok: true; readonly key: KeyRecord; readonly slot: SecretSlot }
  | { readonly ok: false; readonly failure: AuthenticationFailure };

const INVALID: Authentication = Object.freeze({ ok: false, failure: 'invalid_api_key' });
const EXPIRED: Authentication = Object.freeze({ ok: false, failure: 'expired_api_key' });
const REVOKED: Authentication = Object.freeze({ ok: false, failure: 'revoked_api_key' });

export class Authenticator {
  constructor(
    private readonly store: Store,
    private readonly hasher: KeyHasher,
  ) {}

  /**
   * `candidate` is the key as presented, or null when the header could not carry one; `memo` is
   * what the connection remembers of the last well-formed key presented on it (key-hashing.ts).
   */
  authenticate(candidate: string | null, now: number, memo: PresentedKeyMemo | null = null): Authentication {
    if (candidate === null) return INVALID;
    let facts: KeyFacts | null = memo === null ? null : memo.recall(candidate);
    if (facts === null) {
      facts = isWellFormedKey(candidate) ? this.hasher.digest(candidate) : MALFORMED_KEY;
      if (memo !== null) memo.remember(candidate, facts);
    }
    if (facts === MALFORMED_KEY) return INVALID;
    const digest = facts;
    const match = this.store.findSecret(digest);
    // The index already matched on the digest; the constant-time comparison is what decides.
    if (match === undefined || !this.hasher.equal(match.slot.digest, digest)) return INVALID;
    const failure = secretFailure(match.key, match.slot, now);
    if (failure === 'revoked_api_key') return REVOKED;
    if (failure === 'expired_api_key') return EXPIRED;
    return { ok: true, key: match.key, slot: match.slot };
  }
}

/**
 * Why a secret of `key` no longer authenticates at `now`, or null if it does. Also used right
 * before a handler runs, because a request may have been admitted before a revoke or a
 * regenerate that finished while its body was still arriving.
 */
export function secretFailure(key: KeyRecord, slot: SecretSlot, now: number): AuthenticationFailure | null {
  if (key.revokedAt !== null) return 'revoked_api_key';
  if (slot !== key.current) {
    // A previous secret works until the end of its grace period; older ones never again.
    if (slot !== key.previous || (slot.expiresAt !== null && slot.expiresAt <= now)) return 'expired_api_key';
  }
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired_api_key';
  return null;
}
