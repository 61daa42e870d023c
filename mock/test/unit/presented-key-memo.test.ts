import { describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/authenticator.ts';
import { displayPrefix, generateKey } from '../../src/key-format.ts';
import { createKeyHasher, MALFORMED_KEY, PresentedKeyMemo, type KeyHasher } from '../../src/key-hashing.ts';
import { InMemoryStore } from '../../src/store.ts';

// What a connection remembers of the last well-formed key presented on it (key-hashing.ts) may
// spare the checksum and the HMAC, never the lookup, the comparison, the key's state or the
// refusal of a malformed key.

function setUp() {
  const real = createKeyHasher();
  let hashed = 0;
  const hasher: KeyHasher = { digest: (key) => (hashed++, real.digest(key)), equal: real.equal };
  const store = new InMemoryStore();
  store.addAccount({ id: 'acc_1', name: 'Account', plan: 'startup', active: true });
  store.addEnvironment({ id: 'env_1', accountId: 'acc_1', name: 'Dev', type: 'development', applicationIdentifier: 'app_1', region: 'eu' });
  const secret = generateKey('test');
  const key = store.insertKey({
    id: 'key_1',
    environmentId: 'env_1',
    name: 'k',
    scopes: [],
    createdAt: 0,
    expiresAt: null,
    secret: { digest: real.digest(secret), prefix: displayPrefix(secret), expiresAt: null },
  });
  return { store, secret, key, authenticator: new Authenticator(store, hasher), hashes: () => hashed };
}

describe('the connection memo of a presented key', () => {
  it('hashes a key once per connection, but looks it up on every request', () => {
    const { store, secret, authenticator, hashes } = setUp();
    const memo = new PresentedKeyMemo();
    for (let i = 0; i < 3; i++) expect(authenticator.authenticate(secret, 1, memo).ok).toBe(true);
    expect(hashes()).toBe(1);
    expect(store.lookups).toBe(3);
  });

  it('still refuses a remembered key once it is revoked', () => {
    const { store, secret, key, authenticator } = setUp();
    const memo = new PresentedKeyMemo();
    expect(authenticator.authenticate(secret, 1, memo).ok).toBe(true);
    store.revokeKey(key.id, 2);
    expect(authenticator.authenticate(secret, 3, memo)).toEqual({ ok: false, failure: 'revoked_api_key' });
  });

  it('refuses a malformed key every time, never looking it up or hashing it', () => {
    const { store, secret, authenticator, hashes } = setUp();
    const memo = new PresentedKeyMemo();
    const broken = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    for (let i = 0; i < 3; i++) expect(authenticator.authenticate(broken, 1, memo)).toEqual({ ok: false, failure: 'invalid_api_key' });
    expect(store.lookups).toBe(0);
    expect(hashes()).toBe(0);
    // …also right after a good key was remembered: only the very same text is recalled.
    expect(authenticator.authenticate(secret, 1, memo).ok).toBe(true);
    expect(authenticator.authenticate(broken, 1, memo).ok).toBe(false);
    expect(store.lookups).toBe(1);
  });

  it('recalls only the very key it remembered', () => {
    const memo = new PresentedKeyMemo();
    const key = generateKey('live');
    const digest = Buffer.alloc(32, 7);
    expect(memo.recall(key)).toBeNull();
    memo.remember(key, digest);
    expect(memo.recall(key)).toBe(digest);
    expect(memo.recall(`${key.slice(0, -1)}x`)).toBeNull();
    expect(memo.recall(key.slice(0, -1))).toBeNull();
    expect(memo.recall(generateKey('live'))).toBeNull();
    memo.remember('hk_live_short', MALFORMED_KEY);
    expect(memo.recall('hk_live_short')).toBe(MALFORMED_KEY);
    expect(memo.recall(key)).toBeNull();
  });
});
