import { describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../src/clock.ts';
import { isWellFormedKey } from '../../src/key-format.ts';
import { useServer } from '../support/server.ts';
import { publicPrefix, secretPart, WINDOW_SECONDS } from '../support/spec-values.ts';

const ctx = useServer({ manualClock: true });
const full = () => ctx.server.keys.HERALD_API_KEY;

async function createKey(body: unknown = {}, key = full()) {
  const res = await ctx.call('POST', '/api-keys', { key, json: body });
  expect(res.status, res.text).toBe(201);
  return res.json.data as { id: string; secret: string; prefix: string; scopes: string[]; name: string; expires_at: string | null };
}

describe('create', () => {
  it('creates a key whose secret is shown once and works at once', async () => {
    const res = await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'Billing', scopes: ['keys:read', 'usage:read'] } });
    expect(res.status).toBe(201);
    const created = res.json.data;
    expect(isWellFormedKey(created.secret)).toBe(true);
    expect(created.secret.startsWith('hk_test_')).toBe(true);
    expect(created).toMatchObject({ name: 'Billing', scopes: ['keys:read', 'usage:read'], status: 'active', prefix: publicPrefix(created.secret) });
    expect(res.header('location')).toBe(`/v1/api-keys/${created.id}`);

    const ping = await ctx.call('GET', '/ping', { key: created.secret });
    expect(ping.status).toBe(200);
    expect(ping.json.data.key.id).toBe(created.id);

    const got = await ctx.call('GET', res.header('location')!, { key: full() });
    expect(got.status).toBe(200);
    expect(got.text).not.toContain(secretPart(created.secret));
    expect(got.json.data).not.toHaveProperty('secret');
    expect(got.json.data.last_used_at).not.toBeNull();
    const list = await ctx.call('GET', '/api-keys?limit=100', { key: full() });
    expect(list.text).not.toContain(secretPart(created.secret));
  });

  it('issues hk_live_ keys in a production environment', async () => {
    const created = await createKey({}, ctx.server.keys.HERALD_OTHER_ENV_API_KEY);
    expect(created.secret.startsWith('hk_live_')).toBe(true);
  });

  it('gives the new key all of the creator’s scopes when none are asked for', async () => {
    const created = await createKey({ name: 'all' });
    const creator = await ctx.call('GET', '/ping', { key: full() });
    expect(created.scopes).toEqual(creator.json.data.key.scopes);
  });

  it('refuses to grant a scope the creator lacks, listing it', async () => {
    const limited = await createKey({ scopes: ['keys:read', 'keys:write'] });
    const res = await ctx.call('POST', '/api-keys', { key: limited.secret, json: { scopes: ['keys:read', 'notifications:write'] } });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('insufficient_permissions');
    expect(res.json.missing_scopes).toEqual(['notifications:write']);
    const allowed = await ctx.call('POST', '/api-keys', { key: limited.secret, json: { scopes: ['keys:read'] } });
    expect(allowed.status).toBe(201);
  });

  it('refuses an expiry in the past, and invalid bodies, with validation_failed', async () => {
    const past = formatTimestamp(ctx.server.clock.now() - 1000);
    const res = await ctx.call('POST', '/api-keys', { key: full(), json: { expires_at: past } });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_failed');
    expect(res.json.errors).toEqual([{ location: 'body', pointer: '/expires_at', message: 'must be in the future' }]);

    const bad = await ctx.call('POST', '/api-keys', { key: full(), json: { scopes: ['keys:fly'], colour: 'red', name: '' } });
    expect(bad.status).toBe(400);
    const pointers = bad.json.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(expect.arrayContaining(['/colour', '/name', '/scopes/0']));

    const missing = await ctx.call('POST', '/api-keys', { key: full() });
    expect(missing.status).toBe(400);
    expect(missing.json.errors[0]).toMatchObject({ location: 'body' });
  });

  it('needs keys:write', async () => {
    const res = await ctx.call('POST', '/api-keys', { key: ctx.server.keys.HERALD_READ_ONLY_API_KEY, json: {} });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: 'insufficient_permissions', missing_scopes: ['keys:write'] });
    expect(res.header('ratelimit-policy')).toMatch(new RegExp(`^"default";q=\\d+;w=${WINDOW_SECONDS}$`));
  });
});

describe('list and get', () => {
  it('lists the environment’s keys oldest first, page by page, prefixes only', async () => {
    for (let i = 0; i < 3; i++) await createKey({ name: `page-${i}` });
    const all: { id: string; created_at: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await ctx.call('GET', `/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: full() });
      expect(res.status).toBe(200);
      expect(res.json.data.length).toBeLessThanOrEqual(2);
      all.push(...res.json.data);
      cursor = res.json.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    const ids = all.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = all.map((k) => Date.parse(k.created_at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const envId = ctx.server.seededKeys.find((k) => k.envVar === 'HERALD_API_KEY')!.environmentId;
    for (const key of all) expect((key as unknown as { environment_id: string }).environment_id).toBe(envId);
    const oneShot = await ctx.call('GET', '/api-keys?limit=100', { key: full() });
    expect(oneShot.json.data.map((k: { id: string }) => k.id)).toEqual(ids);
    expect(oneShot.json.next_cursor).toBeNull();
  });

  it('uses the spec’s default page size and refuses bad parameters', async () => {
    for (let i = 0; i < 20; i++) await createKey({ name: `bulk-${i}` });
    const res = await ctx.call('GET', '/api-keys', { key: full() });
    expect(res.json.data.length).toBe(20);
    expect(res.json.next_cursor).not.toBeNull();
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'limit=1&limit=2', 'cursor=!!', 'cursor=' + 'a'.repeat(201), 'cursor=Zm9v']) {
      const bad = await ctx.call('GET', `/api-keys?${query}`, { key: full() });
      expect(bad.status, query).toBe(400);
      expect(bad.json.code).toBe('validation_failed');
      expect(bad.json.errors[0].location).toBe('query');
    }
  });

  it('hides keys of other environments (404) and refuses malformed ids (400)', async () => {
    const production = await createKey({ name: 'prod' }, ctx.server.keys.HERALD_OTHER_ENV_API_KEY);
    for (const [method, path] of [
      ['GET', `/api-keys/${production.id}`],
      ['DELETE', `/api-keys/${production.id}`],
      ['POST', `/api-keys/${production.id}/regenerate`],
    ]) {
      const res = await ctx.call(method, path, { key: full() });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json.code).toBe('not_found');
    }
    const list = await ctx.call('GET', '/api-keys?limit=100', { key: full() });
    expect(list.json.data.map((k: { id: string }) => k.id)).not.toContain(production.id);
    const still = await ctx.call('GET', '/ping', { key: production.secret });
    expect(still.status).toBe(200);
    const malformed = await ctx.call('GET', '/api-keys/not-a-key-id', { key: full() });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors[0]).toMatchObject({ location: 'path', pointer: 'key_id' });
  });
});

describe('revoke', () => {
  it('kills the key at once; it is gone from get, list, regenerate and revoke', async () => {
    const created = await createKey({ name: 'doomed' });
    const res = await ctx.call('DELETE', `/api-keys/${created.id}`, { key: full() });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const ping = await ctx.call('GET', '/ping', { key: created.secret });
    expect(ping.status).toBe(401);
    expect(ping.json.code).toBe('revoked_api_key');
    for (const [method, path] of [
      ['GET', `/api-keys/${created.id}`],
      ['DELETE', `/api-keys/${created.id}`],
      ['POST', `/api-keys/${created.id}/regenerate`],
    ]) {
      expect((await ctx.call(method, path, { key: full() })).status).toBe(404);
    }
    const list = await ctx.call('GET', '/api-keys?limit=100', { key: full() });
    expect(list.json.data.map((k: { id: string }) => k.id)).not.toContain(created.id);
  });

  it('lets a key revoke itself, ignoring a stray body', async () => {
    const created = await createKey({ name: 'self' });
    const res = await ctx.call('DELETE', `/api-keys/${created.id}`, { key: created.secret, body: 'ignored', contentType: 'text/plain' });
    expect(res.status, res.text).toBe(204);
    expect((await ctx.call('GET', '/ping', { key: created.secret })).json.code).toBe('revoked_api_key');
  });
});

describe('regenerate', () => {
  it('replaces the secret, keeps id, name, scopes and expiry, and kills the old secret at once', async () => {
    const expires = formatTimestamp(ctx.server.clock.now() + 86_400_000);
    const created = await createKey({ name: 'rotating', scopes: ['keys:read', 'keys:write'], expires_at: expires });
    const res = await ctx.call('POST', `/api-keys/${created.id}/regenerate`, { key: full() });
    expect(res.status).toBe(200);
    const fresh = res.json.data;
    expect(fresh).toMatchObject({ id: created.id, name: 'rotating', scopes: ['keys:read', 'keys:write'], expires_at: expires, previous_secret: null });
    expect(fresh.secret).not.toBe(created.secret);
    expect(fresh.regenerated_at).toBe(formatTimestamp(ctx.server.clock.now()));
    expect((await ctx.call('GET', '/ping', { key: fresh.secret })).status).toBe(200);
    const old = await ctx.call('GET', '/ping', { key: created.secret });
    expect(old.status).toBe(401);
    expect(old.json.code).toBe('expired_api_key');
  });

  it('keeps the old secret alive through the grace period, then expired', async () => {
    const created = await createKey({ name: 'graceful' });
    const res = await ctx.call('POST', `/api-keys/${created.id}/regenerate`, { key: full(), json: { grace_period_seconds: 600 } });
    expect(res.status).toBe(200);
    const graceEnd = formatTimestamp(ctx.server.clock.now() + 600_000);
    expect(res.json.data.previous_secret).toEqual({ prefix: created.prefix, expires_at: graceEnd });

    const oldPing = await ctx.call('GET', '/ping', { key: created.secret });
    expect(oldPing.status).toBe(200);
    expect(oldPing.json.data.key).toMatchObject({ id: created.id, prefix: created.prefix, expires_at: graceEnd });
    expect((await ctx.call('GET', '/ping', { key: res.json.data.secret })).json.data.key.expires_at).toBeNull();

    ctx.server.clock.advance(599_999);
    expect((await ctx.call('GET', '/ping', { key: created.secret })).status).toBe(200);
    ctx.server.clock.advance(1);
    const after = await ctx.call('GET', '/ping', { key: created.secret });
    expect(after.json.code).toBe('expired_api_key');
    const shown = await ctx.call('GET', `/api-keys/${created.id}`, { key: full() });
    expect(shown.json.data.previous_secret).toBeNull();
  });

  it('keeps at most one previous secret: regenerating again ends the earlier grace at once', async () => {
    const created = await createKey({ name: 'twice' });
    const first = await ctx.call('POST', `/api-keys/${created.id}/regenerate`, { key: full(), json: { grace_period_seconds: 3600 } });
    const second = await ctx.call('POST', `/api-keys/${created.id}/regenerate`, { key: full(), json: { grace_period_seconds: 3600 } });
    expect((await ctx.call('GET', '/ping', { key: created.secret })).json.code).toBe('expired_api_key');
    expect((await ctx.call('GET', '/ping', { key: first.json.data.secret })).status).toBe(200);
    expect((await ctx.call('GET', '/ping', { key: second.json.data.secret })).status).toBe(200);
    expect(second.json.data.previous_secret.prefix).toBe(first.json.data.prefix);
  });

  it('revoking kills the previous secret in grace too', async () => {
    const created = await createKey({ name: 'revoked in grace' });
    const regen = await ctx.call('POST', `/api-keys/${created.id}/regenerate`, { key: full(), json: { grace_period_seconds: 3600 } });
    expect((await ctx.call('DELETE', `/api-keys/${created.id}`, { key: full() })).status).toBe(204);
    expect((await ctx.call('GET', '/ping', { key: created.secret })).json.code).toBe('revoked_api_key');
    expect((await ctx.call('GET', '/ping', { key: regen.json.data.secret })).json.code).toBe('revoked_api_key');
  });

  it('lets a key regenerate itself; without grace its old secret is dead for the next request', async () => {
    const created = await createKey({ name: 'self-rotating' });
    const res = await ctx.call('POST', `/api-keys/${created.id}/regenerate`, { key: created.secret });
    expect(res.status).toBe(200);
    expect((await ctx.call('GET', '/ping', { key: created.secret })).json.code).toBe('expired_api_key');
  });

  it('refuses a grace period out of range', async () => {
    const created = await createKey({ name: 'range' });
    for (const grace of [-1, 86_401, 1.5, '60']) {
      const res = await ctx.call('POST', `/api-keys/${created.id}/regenerate`, { key: full(), json: { grace_period_seconds: grace } });
      expect(res.status, String(grace)).toBe(400);
      expect(res.json.errors[0].pointer).toBe('/grace_period_seconds');
    }
  });

  it('accepts an empty body with a JSON content type (the body is optional)', async () => {
    const created = await createKey({ name: 'empty body' });
    const res = await ctx.call('POST', `/api-keys/${created.id}/regenerate`, { key: full(), body: '', contentType: 'application/json' });
    expect(res.status).toBe(200);
  });
});

describe('expiry', () => {
  it('expires a key at expires_at: expired_api_key, listed as expired', async () => {
    const created = await createKey({ name: 'short-lived', expires_at: formatTimestamp(ctx.server.clock.now() + 60_000) });
    expect((await ctx.call('GET', '/ping', { key: created.secret })).status).toBe(200);
    ctx.server.clock.advance(60_000);
    const res = await ctx.call('GET', '/ping', { key: created.secret });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('expired_api_key');
    const shown = await ctx.call('GET', `/api-keys/${created.id}`, { key: full() });
    expect(shown.json.data.status).toBe('expired');
    const list = await ctx.call('GET', '/api-keys?limit=100', { key: full() });
    expect(list.json.data.find((k: { id: string }) => k.id === created.id)?.status).toBe('expired');
  });
});

describe('account state and environment', () => {
  it('answers account_inactive for every operation of an inactive account, after the rate limit', async () => {
    const key = ctx.server.keys.HERALD_INACTIVE_ACCOUNT_API_KEY;
    for (const [method, path] of [
      ['GET', '/ping'],
      ['GET', '/api-keys'],
      ['GET', '/usage'],
    ]) {
      const res = await ctx.call(method, path, { key });
      expect(res.status).toBe(403);
      expect(res.json.code).toBe('account_inactive');
      expect(res.header('x-ratelimit-limit')).toBeDefined();
    }
  });

  it('describes the key’s environment with its public application identifier', async () => {
    const seeded = ctx.server.seededKeys.find((k) => k.envVar === 'HERALD_API_KEY')!;
    const res = await ctx.call('GET', '/environment', { key: seeded.secret });
    expect(res.json.data).toMatchObject({
      id: seeded.environmentId,
      application_identifier: seeded.applicationIdentifier,
      key_prefix: 'hk_test_',
      api_base_url: ctx.server.baseUrl,
    });
  });
});
