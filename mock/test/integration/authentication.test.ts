import { describe, expect, it } from 'vitest';
import { generateKey } from '../../src/key-format.ts';
import { credentialHeaders, expectConforms, rawCall } from '../support/http.ts';
import { corrupt, useServer } from '../support/server.ts';
import { INVALID_TOKEN_CHALLENGE, NO_KEY_CHALLENGE, publicPrefix } from '../support/spec-values.ts';

const ctx = useServer({ manualClock: true });

describe('the three header forms', () => {
  it('accepts a key in each form, with the scheme name in any case', async () => {
    const key = ctx.server.keys.HERALD_API_KEY;
    const headers: Record<string, string>[] = [
      { authorization: `ApiKey ${key}` },
      { authorization: `apikey ${key}` },
      { authorization: `APIKEY ${key}` },
      { authorization: `Bearer ${key}` },
      { authorization: `bearer ${key}` },
      { authorization: `BEARER ${key}` },
      { 'x-api-key': key },
      { 'X-API-KEY': key },
    ];
    for (const h of headers) {
      const res = await ctx.call('GET', '/ping', { headers: h });
      expect(res.status, JSON.stringify(Object.keys(h))).toBe(200);
      expect(res.json.data.key.prefix).toBe(publicPrefix(key));
      expect(res.json.data.key.id).toBe(ctx.server.seededKeys.find((k) => k.secret === key)?.keyId);
    }
  });

  it('reports the key and its environment on ping', async () => {
    const seeded = ctx.server.seededKeys.find((k) => k.envVar === 'HERALD_OTHER_ENV_API_KEY')!;
    const res = await ctx.call('GET', '/ping', { key: seeded.secret, form: 'x-api-key' });
    expect(res.json.data).toEqual({
      key: { id: seeded.keyId, prefix: publicPrefix(seeded.secret), scopes: seeded.scopes, expires_at: null },
      environment: { id: seeded.environmentId, name: seeded.environmentName, type: 'production' },
    });
  });
});

describe('refused credentials', () => {
  it('answers missing_api_key without an error in the challenge when no key is sent', async () => {
    const res = await ctx.call('GET', '/ping');
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('missing_api_key');
    expect(res.header('www-authenticate')).toBe(NO_KEY_CHALLENGE);
    expect(res.header('ratelimit')).toBeUndefined();
  });

  it('refuses two credentials as ambiguous, even the same key, before checking either', async () => {
    const key = ctx.server.keys.HERALD_API_KEY;
    const before = ctx.server.store.lookups;
    const cases: Record<string, string | string[]>[] = [
      { authorization: `Bearer ${key}`, 'x-api-key': key },
      { authorization: `ApiKey ${key}`, 'x-api-key': 'garbage' },
      { authorization: [`Bearer ${key}`, `Bearer ${key}`] },
      { 'x-api-key': [key, key] },
    ];
    for (const headers of cases) {
      const res = await ctx.call('GET', '/ping', { headers });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('ambiguous_credentials');
      expect(res.header('ratelimit-policy')).toBeUndefined();
    }
    expect(ctx.server.store.lookups).toBe(before);
  });

  it('refuses malformed keys as invalid_api_key without looking anything up', async () => {
    const key = ctx.server.keys.HERALD_API_KEY;
    const malformed = [
      corrupt(key), // checksum
      key.slice(0, 43), // length
      key + 'x',
      'hk_prod_' + key.slice(8), // prefix
      'HK_TEST_' + key.slice(8),
      key.slice(0, 20) + '-' + key.slice(21), // alphabet
      'hk_live_' + key.slice(8), // prefix swapped: checksum
      ' ' + key.slice(1),
    ];
    const before = ctx.server.store.lookups;
    for (const candidate of malformed) {
      for (const form of ['apikey', 'bearer', 'x-api-key'] as const) {
        const res = await ctx.call('GET', '/ping', { headers: credentialHeaders(candidate, form) });
        expect(res.status, candidate).toBe(401);
        expect(res.json.code).toBe('invalid_api_key');
        expect(res.header('www-authenticate')).toBe(INVALID_TOKEN_CHALLENGE);
        expect(res.text).not.toContain(candidate.slice(8));
      }
    }
    expect(ctx.server.store.lookups).toBe(before);
  });

  it('refuses headers that cannot carry a key as invalid_api_key, without looking anything up', async () => {
    const key = ctx.server.keys.HERALD_API_KEY;
    const cases: Record<string, string>[] = [
      { authorization: `Basic ${Buffer.from('user:' + key).toString('base64')}` },
      { authorization: 'Bearer' },
      { authorization: 'ApiKey ' },
      { authorization: 'Bearer ' },
      { authorization: `Token ${key}` },
      { authorization: `Digest ${key}` },
      { authorization: `Bearer:${key}` },
      { authorization: key },
      { authorization: `Bearer  ${key}` },
      { 'x-api-key': '' },
      { 'x-api-key': '   ' },
    ];
    const before = ctx.server.store.lookups;
    for (const headers of cases) {
      const res = await ctx.call('GET', '/ping', { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.json.code).toBe('invalid_api_key');
      expect(res.header('www-authenticate')).toBe(INVALID_TOKEN_CHALLENGE);
    }
    expect(ctx.server.store.lookups).toBe(before);
  });

  it('looks up a well-formed unknown key exactly once and refuses it', async () => {
    const before = ctx.server.store.lookups;
    const res = await ctx.call('GET', '/ping', { key: generateKey('test') });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('invalid_api_key');
    expect(ctx.server.store.lookups).toBe(before + 1);
  });

  it('authenticates before reading the body: no key and bad JSON answer 401', async () => {
    const res = await ctx.call('POST', '/api-keys', { body: '{not json', contentType: 'application/json' });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('missing_api_key');
    const big = await ctx.call('POST', '/notifications', { key: generateKey('test'), body: 'x'.repeat(40_000), contentType: 'text/plain' });
    expect(big.status).toBe(401);
    expect(big.json.code).toBe('invalid_api_key');
  });

  it('never echoes a presented key, in any part of the answer', async () => {
    const key = ctx.server.keys.HERALD_API_KEY;
    const res = await rawCall(ctx.server.origin, 'GET', `/v1/ping?api_key=${key}`, credentialHeaders(corrupt(key)));
    expectConforms('GET', `/v1/ping?api_key=${key}`, res);
    expect(JSON.stringify(res.headers) + res.text).not.toContain(key.slice(8, 30));
  });
});
