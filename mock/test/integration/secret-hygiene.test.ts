import { describe, expect, it, vi } from 'vitest';

// Issue 7, secret hygiene, the parts the rest of the tests do not already cover: the comparison
// that decides every authentication is crypto.timingSafeEqual on two digests of equal length;
// everything the server keeps (store and idempotency records) holds no secret, a create's
// response included (it is kept sealed); no list, error or header shows a secret again.
// (Every test file's server is also searched, log and kept state, for every secret it issued
// when it closes: support/server.ts; and `npm test` audits all logs and reports of the run.)

const compared = vi.hoisted(() => ({ calls: [] as Array<[number, number]> }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.calls.push([a.byteLength, b.byteLength]);
    return crypto.timingSafeEqual(a, b);
  };
  return { ...crypto, timingSafeEqual, default: { ...crypto, timingSafeEqual } };
});

const { generateKey } = await import('../../src/key-format.ts');
const { corrupt, useServer } = await import('../support/server.ts');
const { secretPart } = await import('../support/spec-values.ts');

const ctx = useServer({ manualClock: true });

describe('constant-time comparison', () => {
  it('decides each authentication with crypto.timingSafeEqual on two 32-byte digests, and never compares a malformed key', async () => {
    const key = ctx.server.keys.HERALD_READ_ONLY_API_KEY;
    compared.calls.length = 0;
    for (let i = 0; i < 5; i++) expect((await ctx.call('GET', '/ping', { key })).status).toBe(200);
    expect(compared.calls).toEqual(Array(5).fill([32, 32]));

    compared.calls.length = 0;
    const lookups = ctx.server.store.lookups;
    expect((await ctx.call('GET', '/ping', { key: corrupt(key) })).status).toBe(401);
    expect((await ctx.call('GET', '/ping', { key: 'hk_test_short' })).status).toBe(401);
    expect(ctx.server.store.lookups).toBe(lookups);
    // A well-formed unknown key is looked up by its digest and found nowhere: nothing to compare.
    expect((await ctx.call('GET', '/ping', { key: generateKey('test') })).status).toBe(401);
    expect(ctx.server.store.lookups).toBe(lookups + 1);
    expect(compared.calls).toEqual([]);
  });
});

describe('what the server keeps', () => {
  it('holds no secret, not even of a response kept for idempotent replay (it is sealed)', async () => {
    const admin = ctx.server.keys.HERALD_API_KEY;
    const created = await ctx.call('POST', '/api-keys', { key: admin, json: { name: 'kept sealed' }, idempotencyKey: 'hygiene-create' });
    expect(created.status).toBe(201);
    const regenerated = await ctx.call('POST', `/api-keys/${created.json.data.id}/regenerate`, { key: admin, json: { grace_period_seconds: 600 }, idempotencyKey: 'hygiene-regenerate' });
    expect(regenerated.status).toBe(200);
    const secrets = [created.json.data.secret, regenerated.json.data.secret];

    const state = ctx.server.app.herald.dumpState();
    const kept = state.idempotency.filter((record) => record.status === 201 || record.status === 200);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    for (const record of kept) expect(typeof record.body, 'a response showing a secret is kept sealed').toBe('object');
    const text = JSON.stringify(state);
    for (const secret of secrets) expect(text).not.toContain(secretPart(secret));
    // The replay still shows the secret, to the key that asked.
    const replay = await ctx.call('POST', '/api-keys', { key: admin, json: { name: 'kept sealed' }, idempotencyKey: 'hygiene-create' });
    expect(replay.header('idempotent-replayed')).toBe('true');
    expect(replay.json.data.secret).toBe(created.json.data.secret);
  });

  it('never shows a secret again: not in a list, a get, an error or a header', async () => {
    const admin = ctx.server.keys.HERALD_API_KEY;
    const created = await ctx.call('POST', '/api-keys', { key: admin, json: { name: 'shown once' } });
    const secret: string = created.json.data.secret;
    const id: string = created.json.data.id;
    const answers = [
      await ctx.call('GET', '/api-keys?limit=100', { key: admin }),
      await ctx.call('GET', `/api-keys/${id}`, { key: admin }),
      await ctx.call('GET', '/ping', { key: secret }),
      await ctx.call('GET', '/ping', { key: secret, headers: { 'x-api-key': secret } }),
      await ctx.call('GET', `/api-keys/${secret}`, { key: admin }),
      await ctx.call('GET', `/ping?key=${secret}`, { key: secret.slice(0, 43) }),
      await ctx.call('DELETE', `/api-keys/${id}`, { key: admin }),
      await ctx.call('GET', '/ping', { key: secret }),
      await ctx.call('POST', `/api-keys/${id}/regenerate`, { key: admin, json: {} }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 400, 400, 401, 204, 401, 404]);
    for (const answer of answers) expect(JSON.stringify(answer.headers) + answer.text).not.toContain(secretPart(secret));
  });
});
