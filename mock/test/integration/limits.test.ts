import { describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../src/clock.ts';
import { generateKey } from '../../src/key-format.ts';
import { loadContract } from '../../src/spec.ts';
import { useServer } from '../support/server.ts';
import { WINDOW_SECONDS } from '../support/spec-values.ts';

const contract = loadContract();
const plan = (name: string) => contract.plans.get(name)!;
const SCALE = 0.05;
const scaled = (name: string) => Math.max(1, Math.round(plan(name).requestsPerMinute * SCALE));

describe('per-key rate limit', () => {
  const ctx = useServer({ manualClock: Date.UTC(2026, 10, 24, 9, 30, 0), rateLimitScale: SCALE });

  it('reports the scaled plan limit on every authenticated response and counts down', async () => {
    const key = ctx.server.keys.HERALD_API_KEY;
    const limit = scaled('startup');
    for (let i = 1; i <= limit; i++) {
      const res = await ctx.call('GET', '/ping', { key });
      expect(res.status).toBe(200);
      expect(res.header('ratelimit-policy')).toBe(`"default";q=${limit};w=${WINDOW_SECONDS}`);
      expect(res.header('ratelimit')).toBe(`"default";r=${limit - i};t=${WINDOW_SECONDS}`);
      expect(res.header('x-ratelimit-limit')).toBe(String(limit));
      expect(res.header('x-ratelimit-remaining')).toBe(String(limit - i));
      const date = Date.parse(res.header('date')!) / 1000;
      expect(Number(res.header('x-ratelimit-reset'))).toBe(date + WINDOW_SECONDS);
    }
    const left = WINDOW_SECONDS - 20;
    ctx.server.clock.advance(20_000);
    const refused = await ctx.call('GET', '/ping', { key });
    expect(refused.status).toBe(429);
    expect(refused.json.code).toBe('rate_limit_exceeded');
    expect(refused.header('retry-after')).toBe(String(left));
    expect(refused.header('ratelimit')).toBe(`"default";r=0;t=${left}`);
    // Refused requests count toward nothing: when the window ends the key has its whole limit.
    for (let i = 0; i < 5; i++) expect((await ctx.call('GET', '/ping', { key })).status).toBe(429);
    ctx.server.clock.advance(left * 1000);
    const fresh = await ctx.call('GET', '/ping', { key });
    expect(fresh.status).toBe(200);
    expect(fresh.header('x-ratelimit-remaining')).toBe(String(limit - 1));
  });

  it('gives each key its own window and each plan its own limit', async () => {
    const indie = await ctx.call('GET', '/ping', { key: ctx.server.keys.HERALD_NEAR_QUOTA_API_KEY });
    expect(indie.header('x-ratelimit-limit')).toBe(String(scaled('indie')));
    const other = await ctx.call('GET', '/ping', { key: ctx.server.keys.HERALD_OTHER_ENV_API_KEY });
    expect(other.header('x-ratelimit-remaining')).toBe(String(scaled('startup') - 1));
  });

  it('shares the window between a key’s current and previous secret', async () => {
    ctx.server.clock.advance(WINDOW_SECONDS * 1000);
    const created = await ctx.call('POST', '/api-keys', { key: ctx.server.keys.HERALD_OTHER_ENV_API_KEY, json: { name: 'shared window' } });
    const regen = await ctx.call('POST', `/api-keys/${created.json.data.id}/regenerate`, {
      key: ctx.server.keys.HERALD_OTHER_ENV_API_KEY,
      json: { grace_period_seconds: 3600 },
    });
    const oldSecret = created.json.data.secret;
    const newSecret = regen.json.data.secret;
    const first = await ctx.call('GET', '/ping', { key: oldSecret });
    const second = await ctx.call('GET', '/ping', { key: newSecret });
    expect(Number(second.header('x-ratelimit-remaining'))).toBe(Number(first.header('x-ratelimit-remaining')) - 1);
  });

  it('reports the same figures in getUsage', async () => {
    ctx.server.clock.advance(WINDOW_SECONDS * 1000);
    const key = ctx.server.keys.HERALD_API_KEY;
    await ctx.call('GET', '/ping', { key });
    const res = await ctx.call('GET', '/usage', { key });
    const rate = res.json.data.rate_limit;
    expect(rate).toEqual({
      limit: scaled('startup'),
      remaining: scaled('startup') - 2,
      window_seconds: WINDOW_SECONDS,
      resets_at: formatTimestamp(Number(res.header('x-ratelimit-reset')) * 1000),
    });
    // The plan shows the spec's own figures, unscaled.
    expect(res.json.data.plan).toEqual({
      name: 'startup',
      requests_per_minute: plan('startup').requestsPerMinute,
      monthly_notification_quota: plan('startup').monthlyNotificationQuota,
      counted_channels: plan('startup').countedChannels,
    });
  });
});

describe('failed-auth throttle', () => {
  const LIMIT = 5;
  const ctx = useServer({ manualClock: true, failedAuthLimit: LIMIT });

  it('throttles an address after N failed authentications, valid key or not, then lets it go', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const res = await ctx.call('GET', '/ping', { key: generateKey('test') });
      expect(res.status).toBe(401);
    }
    const left = WINDOW_SECONDS - 15;
    ctx.server.clock.advance(15_000);
    for (const key of [ctx.server.keys.HERALD_API_KEY, generateKey('test'), 'garbage']) {
      const res = await ctx.call('GET', '/ping', { key });
      expect(res.status).toBe(429);
      expect(res.json.code).toBe('authentication_throttled');
      expect(res.header('retry-after')).toBe(String(left));
      expect(res.header('ratelimit-policy')).toBe(`"failed-auth";q=${LIMIT};w=${WINDOW_SECONDS}`);
      expect(res.header('ratelimit')).toBe(`"failed-auth";r=0;t=${left}`);
      expect(res.header('x-ratelimit-remaining')).toBe('0');
    }
    // A request without a credential is not "carrying a credential": it still learns it needs one.
    expect((await ctx.call('GET', '/ping')).json.code).toBe('missing_api_key');
    // Another address is not affected.
    const elsewhere = await ctx.call('GET', '/ping', { key: ctx.server.keys.HERALD_API_KEY, localAddress: '127.0.0.2' });
    expect(elsewhere.status).toBe(200);
    ctx.server.clock.advance(left * 1000);
    expect((await ctx.call('GET', '/ping', { key: ctx.server.keys.HERALD_API_KEY })).status).toBe(200);
  });

  it('does not count missing keys or successes', async () => {
    ctx.server.clock.advance(WINDOW_SECONDS * 1000);
    for (let i = 0; i < LIMIT * 3; i++) {
      await ctx.call('GET', '/ping');
      await ctx.call('GET', '/ping', { key: ctx.server.keys.HERALD_READ_ONLY_API_KEY });
    }
    for (let i = 0; i < LIMIT - 1; i++) await ctx.call('GET', '/ping', { key: generateKey('live') });
    expect((await ctx.call('GET', '/ping', { key: ctx.server.keys.HERALD_API_KEY })).status).toBe(200);
  });

  it('counts expired and revoked keys as failures', async () => {
    ctx.server.clock.advance(WINDOW_SECONDS * 1000);
    const created = await ctx.call('POST', '/api-keys', { key: ctx.server.keys.HERALD_API_KEY, json: { name: 'soon revoked' }, localAddress: '127.0.0.3' });
    await ctx.call('DELETE', `/api-keys/${created.json.data.id}`, { key: ctx.server.keys.HERALD_API_KEY, localAddress: '127.0.0.3' });
    for (let i = 0; i < LIMIT; i++) {
      expect((await ctx.call('GET', '/ping', { key: created.json.data.secret, localAddress: '127.0.0.3' })).json.code).toBe('revoked_api_key');
    }
    expect((await ctx.call('GET', '/ping', { key: ctx.server.keys.HERALD_API_KEY, localAddress: '127.0.0.3' })).status).toBe(429);
  });
});

describe('monthly quota', () => {
  // The last day of a month, so the test can cross into the next one.
  const start = Date.UTC(2026, 10, 30, 23, 0, 0);
  const ctx = useServer({ manualClock: start });
  const webhook = { channel: 'webhook', url: 'https://hooks.example.com/herald', payload: { event: 'invoice.ready' } };
  const email = { channel: 'email', to: 'ada@example.com', subject: 'Hi', text: 'Hello' };

  it('counts webhooks toward an Indie account’s quota and refuses the one past it', async () => {
    const key = ctx.server.keys.HERALD_NEAR_QUOTA_API_KEY;
    const before = await ctx.call('GET', '/usage', { key });
    const { limit, used } = before.json.data.quota;
    expect(limit).toBe(plan('indie').monthlyNotificationQuota);
    for (let i = used; i < limit; i++) {
      const sent = await ctx.call('POST', '/notifications', { key, json: webhook });
      expect(sent.status).toBe(202);
      expect(sent.json.data).toMatchObject({ channel: 'webhook', status: 'queued', counted_toward_quota: true });
    }
    const refused = await ctx.call('POST', '/notifications', { key, json: webhook });
    expect(refused.status).toBe(429);
    expect(refused.json.code).toBe('quota_exceeded');
    const resetsAt = '2026-12-01T00:00:00Z';
    expect(refused.json.quota).toEqual({ limit, used: limit, resets_at: resetsAt });
    expect(refused.json.detail).toContain(String(limit));
    expect(refused.json.detail).toContain(resetsAt);
    expect(refused.header('retry-after')).toBe('3600');
    expect(refused.header('ratelimit-policy')).toMatch(/^"default";/);

    // Emails do not count on Indie.
    const mail = await ctx.call('POST', '/notifications', { key, json: email });
    expect(mail.status).toBe(202);
    expect(mail.json.data.counted_toward_quota).toBe(false);
    const usage = await ctx.call('GET', '/usage', { key });
    expect(usage.json.data.quota).toMatchObject({ used: limit, remaining: 0, sent: { email: 1, webhook: limit } });

    // A new calendar month (UTC) resets the quota.
    ctx.server.clock.advance(3600_000);
    expect((await ctx.call('POST', '/notifications', { key, json: webhook })).status).toBe(202);
    const next = await ctx.call('GET', '/usage', { key });
    expect(next.json.data.quota).toMatchObject({ period_start: resetsAt, used: 1, sent: { email: 0, webhook: 1 } });
  });

  it('shares the quota between an account’s environments and keeps notifications apart', async () => {
    const dev = ctx.server.keys.HERALD_API_KEY;
    const prod = ctx.server.keys.HERALD_OTHER_ENV_API_KEY;
    const sent = await ctx.call('POST', '/notifications', { key: dev, json: webhook });
    await ctx.call('POST', '/notifications', { key: prod, json: webhook });
    const usage = await ctx.call('GET', '/usage', { key: prod });
    expect(usage.json.data.quota.sent.webhook).toBe(2);
    const own = await ctx.call('GET', `/notifications/${sent.json.data.id}`, { key: dev });
    expect(own.status).toBe(200);
    expect(own.json).toEqual(sent.json);
    const foreign = await ctx.call('GET', `/notifications/${sent.json.data.id}`, { key: prod });
    expect(foreign.status).toBe(404);
    expect(foreign.json.code).toBe('not_found');
  });

  it('validates notifications against the spec', async () => {
    const key = ctx.server.keys.HERALD_API_KEY;
    for (const body of [
      { channel: 'sms', to: '+1' },
      { ...email, to: 'not-an-email' },
      { ...webhook, url: 'http://insecure.example.com' },
      { ...email, subject: 'line\nbreak' },
      { ...email, extra: true },
      [],
      null,
    ]) {
      const res = await ctx.call('POST', '/notifications', { key, json: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe('validation_failed');
      expect(res.json.errors.length).toBeGreaterThan(0);
    }
  });
});
