import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, IdempotencyStore, requestFingerprint, RETENTION_MS, type StoredResponse } from '../../src/idempotency.ts';
import { generateKey } from '../../src/key-format.ts';

const response = (body: string): StoredResponse => ({ status: 201, headers: { location: '/v1/x' }, body, contentType: 'application/json' });

describe('idempotency store', () => {
  it('executes once, then replays the same response', () => {
    const store = new IdempotencyStore();
    const apiKey = generateKey('test');
    const first = store.admit('key_a', 'idem-1', 'fp', apiKey, 0);
    expect(first.kind).toBe('execute');
    if (first.kind === 'execute') first.complete(response('{"a":1}'), false);
    expect(store.admit('key_a', 'idem-1', 'fp', apiKey, 1000)).toEqual({ kind: 'replay', response: response('{"a":1}') });
  });

  it('refuses the same idempotency key for a different request', () => {
    const store = new IdempotencyStore();
    const a = store.admit('key_a', 'idem', 'fp-1', 'k', 0);
    if (a.kind === 'execute') a.complete(response('{}'), false);
    expect(store.admit('key_a', 'idem', 'fp-2', 'k', 0)).toEqual({ kind: 'mismatch', reason: 'different-request' });
  });

  it('scopes idempotency keys to the API key id', () => {
    const store = new IdempotencyStore();
    const a = store.admit('key_a', 'idem', 'fp', 'k', 0);
    if (a.kind === 'execute') a.complete(response('{}'), false);
    expect(store.admit('key_b', 'idem', 'fp', 'k', 0).kind).toBe('execute');
  });

  it('makes a concurrent twin wait for the first, then replay', async () => {
    const store = new IdempotencyStore();
    const first = store.admit('key_a', 'idem', 'fp', 'k', 0);
    const twin = store.admit('key_a', 'idem', 'fp', 'k', 0);
    expect(first.kind).toBe('execute');
    expect(twin.kind).toBe('wait');
    let released = false;
    if (twin.kind === 'wait') void twin.until.then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    if (first.kind === 'execute') first.complete(response('{"done":true}'), false);
    if (twin.kind === 'wait') await twin.until;
    expect(released).toBe(true);
    expect(store.admit('key_a', 'idem', 'fp', 'k', 0).kind).toBe('replay');
  });

  it('forgets an abandoned request, so it may run again', async () => {
    const store = new IdempotencyStore();
    const first = store.admit('key_a', 'idem', 'fp', 'k', 0);
    const twin = store.admit('key_a', 'idem', 'fp', 'k', 0);
    if (first.kind === 'execute') first.abandon();
    if (twin.kind === 'wait') await twin.until;
    expect(store.admit('key_a', 'idem', 'fp', 'k', 0).kind).toBe('execute');
    expect(store.size).toBe(1);
  });

  it('keeps responses 24 hours', () => {
    const store = new IdempotencyStore();
    const a = store.admit('key_a', 'idem', 'fp', 'k', 0);
    if (a.kind === 'execute') a.complete(response('{}'), false);
    expect(store.admit('key_a', 'idem', 'fp', 'k', RETENTION_MS - 1).kind).toBe('replay');
    expect(store.admit('key_a', 'idem', 'fp-other', 'k', RETENTION_MS).kind).toBe('execute');
  });

  it('keeps a response with a secret only encrypted, readable only with the presenting key', () => {
    const store = new IdempotencyStore();
    const presenting = generateKey('test');
    const shown = generateKey('test');
    const body = JSON.stringify({ data: { secret: shown } });
    const a = store.admit('key_a', 'idem', 'fp', presenting, 0);
    if (a.kind === 'execute') a.complete(response(body), true);
    const everything = inspect(store, { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity });
    expect(everything).not.toContain(shown);
    expect(everything).not.toContain(shown.slice(8, 38));
    expect(everything).not.toContain(presenting);
    expect(store.admit('key_a', 'idem', 'fp', presenting, 0)).toEqual({ kind: 'replay', response: response(body) });
    expect(store.admit('key_a', 'idem', 'fp', generateKey('test'), 0)).toEqual({ kind: 'mismatch', reason: 'different-secret' });
  });

  it('bounds memory per API key and overall, dropping the oldest first', () => {
    const store = new IdempotencyStore({ perApiKey: 10, total: 25 });
    for (let i = 0; i < 100; i++) {
      const a = store.admit('key_a', `idem-${i}`, 'fp', 'k', i);
      if (a.kind === 'execute') a.complete(response('{}'), false);
    }
    expect(store.size).toBe(10);
    expect(store.admit('key_a', 'idem-89', 'fp', 'k', 200).kind).toBe('execute'); // evicted
    for (let i = 0; i < 100; i++) {
      const a = store.admit(`key_${i}`, 'idem', 'fp', 'k', 300 + i);
      if (a.kind === 'execute') a.complete(response('{}'), false);
    }
    expect(store.size).toBe(25);
    expect(store.admit('key_99', 'idem', 'fp', 'k', 500).kind).toBe('replay');
  });
});

describe('request fingerprint', () => {
  it('ignores key order and whitespace, not values, method or path', () => {
    const a = requestFingerprint('POST', '/v1/api-keys', { name: 'x', scopes: ['keys:read'] });
    expect(requestFingerprint('POST', '/v1/api-keys', { scopes: ['keys:read'], name: 'x' })).toBe(a);
    expect(requestFingerprint('POST', '/v1/api-keys', { scopes: ['keys:read'], name: 'y' })).not.toBe(a);
    expect(requestFingerprint('POST', '/v1/notifications', { name: 'x', scopes: ['keys:read'] })).not.toBe(a);
    expect(requestFingerprint('POST', '/v1/api-keys', undefined)).not.toBe(requestFingerprint('POST', '/v1/api-keys', {}));
  });

  it('serializes canonically, as JSON.stringify would with sorted keys', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":null,"d":1}]}');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
      }),
    );
    expect(canonicalJson([{}, [], '', 0, false, null])).toBe('[{},[],"",0,false,null]');
  });

  it('handles nesting deeper than the call stack', () => {
    const depth = 100_000;
    const deep = JSON.parse('['.repeat(depth) + ']'.repeat(depth));
    expect(canonicalJson(deep).length).toBe(2 * depth);
  });
});
