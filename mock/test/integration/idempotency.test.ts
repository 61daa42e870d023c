import { describe, expect, it } from 'vitest';
import { credentialHeaders, expectConforms, openCall } from '../support/http.ts';
import { useServer } from '../support/server.ts';

const ctx = useServer({ manualClock: true });
const full = () => ctx.server.keys.HERALD_API_KEY;

async function keyCount(): Promise<number> {
  const res = await ctx.call('GET', '/api-keys?limit=100', { key: full() });
  return res.json.data.length;
}

describe('idempotency keys', () => {
  it('replays a create: same status and body, Idempotent-Replayed, no second key', async () => {
    const before = await keyCount();
    const first = await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'once' }, idempotencyKey: 'create-1' });
    expect(first.status).toBe(201);
    expect(first.header('idempotent-replayed')).toBeUndefined();
    const again = await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'once' }, idempotencyKey: 'create-1' });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.header('idempotent-replayed')).toBe('true');
    expect(again.header('location')).toBe(first.header('location'));
    expect(again.header('x-request-id')).not.toBe(first.header('x-request-id'));
    expect(await keyCount()).toBe(before + 1);
  });

  it('compares bodies as JSON: key order and spacing do not matter', async () => {
    const a = await ctx.call('POST', '/api-keys', { key: full(), body: '{"name":"a","scopes":["keys:read"]}', contentType: 'application/json', idempotencyKey: 'order' });
    const b = await ctx.call('POST', '/api-keys', { key: full(), body: '{ "scopes": ["keys:read"], "name": "a" }', contentType: 'application/json', idempotencyKey: 'order' });
    expect(b.header('idempotent-replayed')).toBe('true');
    expect(b.text).toBe(a.text);
  });

  it('refuses the same idempotency key with a different body or path', async () => {
    await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'first' }, idempotencyKey: 'reuse' });
    const body = await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'second' }, idempotencyKey: 'reuse' });
    expect(body.status).toBe(422);
    expect(body.json.code).toBe('idempotency_key_reused');
    const path = await ctx.call('POST', '/notifications', {
      key: full(),
      json: { channel: 'email', to: 'a@example.com', subject: 's', text: 't' },
      idempotencyKey: 'reuse',
    });
    expect(path.status).toBe(422);
  });

  it('scopes idempotency keys to the API key that sent them', async () => {
    const other = ctx.server.keys.HERALD_OTHER_ENV_API_KEY;
    const a = await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'scoped' }, idempotencyKey: 'shared-idem' });
    const b = await ctx.call('POST', '/api-keys', { key: other, json: { name: 'scoped' }, idempotencyKey: 'shared-idem' });
    expect(b.status).toBe(201);
    expect(b.header('idempotent-replayed')).toBeUndefined();
    expect(b.json.data.id).not.toBe(a.json.data.id);
  });

  it('remembers only executed requests: a refused request can be retried with the same key', async () => {
    const invalid = await ctx.call('POST', '/api-keys', { key: full(), json: { name: '' }, idempotencyKey: 'retry-me' });
    expect(invalid.status).toBe(400);
    const ok = await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'fixed' }, idempotencyKey: 'retry-me' });
    expect(ok.status).toBe(201);
    const refusedScope = await ctx.call('POST', '/api-keys', { key: ctx.server.keys.HERALD_READ_ONLY_API_KEY, json: {}, idempotencyKey: 'ro' });
    expect(refusedScope.status).toBe(403);
    expect(refusedScope.header('idempotent-replayed')).toBeUndefined();
  });

  it('replays a handler’s own 4xx', async () => {
    const missing = 'key_' + 'A'.repeat(24);
    const a = await ctx.call('POST', `/api-keys/${missing}/regenerate`, { key: full(), idempotencyKey: 'nf' });
    expect(a.status).toBe(404);
    const b = await ctx.call('POST', `/api-keys/${missing}/regenerate`, { key: full(), idempotencyKey: 'nf' });
    expect(b.status).toBe(404);
    expect(b.header('idempotent-replayed')).toBe('true');
    expect(b.text).toBe(a.text);
  });

  it('replays a regenerate, without regenerating again', async () => {
    const created = await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'rotate once' } });
    const id = created.json.data.id;
    const a = await ctx.call('POST', `/api-keys/${id}/regenerate`, { key: full(), json: { grace_period_seconds: 60 }, idempotencyKey: 'rot' });
    const b = await ctx.call('POST', `/api-keys/${id}/regenerate`, { key: full(), json: { grace_period_seconds: 60 }, idempotencyKey: 'rot' });
    expect(b.text).toBe(a.text);
    expect((await ctx.call('GET', '/ping', { key: a.json.data.secret })).status).toBe(200);
    expect((await ctx.call('GET', '/ping', { key: created.json.data.secret })).status).toBe(200);
  });

  it('keeps answers 24 hours', async () => {
    const body = { channel: 'email', to: 'a@example.com', subject: 's', text: 't' };
    const a = await ctx.call('POST', '/notifications', { key: full(), json: body, idempotencyKey: 'day' });
    ctx.server.clock.advance(24 * 3600_000 - 1);
    const b = await ctx.call('POST', '/notifications', { key: full(), json: body, idempotencyKey: 'day' });
    expect(b.json.data.id).toBe(a.json.data.id);
    ctx.server.clock.advance(1);
    const c = await ctx.call('POST', '/notifications', { key: full(), json: body, idempotencyKey: 'day' });
    expect(c.header('idempotent-replayed')).toBeUndefined();
    expect(c.json.data.id).not.toBe(a.json.data.id);
  });

  it('refuses a malformed idempotency key', async () => {
    for (const value of ['has space', 'x'.repeat(256), ['a', 'b']]) {
      const res = await ctx.call('POST', '/api-keys', { key: full(), json: {}, headers: { 'idempotency-key': value } });
      expect(res.status).toBe(400);
      expect(res.json.errors[0]).toMatchObject({ location: 'header', pointer: 'Idempotency-Key' });
    }
  });

  it('fingerprints a body nested as deep as 16 KiB allows', async () => {
    const depth = 8000;
    const body = `{"channel":"webhook","url":"https://hooks.example.com/x","payload":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const a = await ctx.call('POST', '/notifications', { key: full(), body, contentType: 'application/json', idempotencyKey: 'deep' });
    expect(a.status).toBe(202);
    const b = await ctx.call('POST', '/notifications', { key: full(), body, contentType: 'application/json', idempotencyKey: 'deep' });
    expect(b.header('idempotent-replayed')).toBe('true');
  });

  it('creates exactly one key under concurrent identical requests', async () => {
    const before = await keyCount();
    const results = await Promise.all(
      Array.from({ length: 25 }, () => ctx.call('POST', '/api-keys', { key: full(), json: { name: 'raced' }, idempotencyKey: 'race' })),
    );
    expect(new Set(results.map((r) => r.json.data.id)).size).toBe(1);
    expect(results.filter((r) => r.header('idempotent-replayed') === undefined)).toHaveLength(1);
    expect(await keyCount()).toBe(before + 1);
  });
});

describe('a request whose key dies while its body is arriving', () => {
  it('is refused after a revoke that finished first', async () => {
    const created = await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'dies mid-request' } });
    const secret = created.json.data.secret;
    const body = JSON.stringify({ channel: 'email', to: 'a@example.com', subject: 's', text: 't' });
    const { request, result } = openCall(ctx.server.origin, 'POST', '/v1/notifications', {
      ...credentialHeaders(secret),
      'content-type': 'application/json',
      'content-length': String(body.length),
    });
    // Half the body now (authentication runs), the rest after the revoke has been answered.
    request.write(body.slice(0, 10));
    await ctx.call('GET', '/ping', { key: full() }); // the half-sent request is in the server by now
    const revoked = await ctx.call('DELETE', `/api-keys/${created.json.data.id}`, { key: full() });
    expect(revoked.status).toBe(204);
    request.end(body.slice(10));
    const res = await result;
    expectConforms('POST', '/v1/notifications', res);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).code).toBe('revoked_api_key');
  });
});
