import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { generateKey } from '../../src/key-format.ts';
import { readFixture } from '../../src/fixture.ts';

// Floods through fastify's inject (no sockets): what matters is which tables grow.

const fixture = readFixture();
const demoKey = fixture.accounts[0].environments[0].keys[0].secret;

describe('bounded memory', () => {
  it('a flood of unknown and malformed keys grows no state; malformed ones are never looked up', async () => {
    const app = buildServer({ clock: new ManualClock(), logLevel: 'silent', failedAuthLimit: 1_000_000, fixture });
    await app.ready();
    try {
      const before = app.herald.stats();
      for (let i = 0; i < 3000; i++) {
        const res = await app.inject({ method: 'GET', url: '/v1/ping', headers: { 'x-api-key': generateKey('test') } });
        expect(res.statusCode).toBe(401);
      }
      const afterUnknown = app.herald.stats();
      expect(afterUnknown.storeLookups - before.storeLookups).toBe(3000);
      for (let i = 0; i < 3000; i++) {
        const bad = generateKey('live').slice(0, 43) + (i % 2 ? '!' : '');
        await app.inject({ method: 'GET', url: '/v1/ping', headers: { authorization: `Bearer ${bad}` } });
      }
      const after = app.herald.stats();
      expect(after.storeLookups).toBe(afterUnknown.storeLookups);
      expect(after.rateLimitedKeys).toBe(before.rateLimitedKeys);
      expect(after.idempotencyRecords).toBe(0);
      expect(after.throttledAddresses).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('a spray of failed authentications from many addresses keeps the throttle table capped', async () => {
    const app = buildServer({ clock: new ManualClock(), logLevel: 'silent', throttleCapacity: 500, fixture });
    await app.ready();
    try {
      for (let i = 0; i < 5000; i++) {
        await app.inject({
          method: 'GET',
          url: '/v1/ping',
          headers: { 'x-api-key': 'nope' },
          remoteAddress: `10.0.${(i >> 8) & 255}.${i & 255}`,
        });
      }
      expect(app.herald.stats().throttledAddresses).toBe(500);
      // Valid keys from an untouched address are not slowed or refused.
      const res = await app.inject({ method: 'GET', url: '/v1/ping', headers: { 'x-api-key': demoKey }, remoteAddress: '192.0.2.1' });
      expect(res.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('a flood of distinct idempotency keys keeps the idempotency table capped', async () => {
    const app = buildServer({
      clock: new ManualClock(),
      logLevel: 'silent',
      rateLimitScale: 1000,
      idempotencyLimits: { perApiKey: 200, total: 300 },
      fixture,
    });
    await app.ready();
    try {
      const body = JSON.stringify({ channel: 'email', to: 'a@example.com', subject: 's', text: 't' });
      for (let i = 0; i < 2000; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/notifications',
          headers: { 'x-api-key': demoKey, 'content-type': 'application/json', 'idempotency-key': `flood-${i}` },
          payload: body,
        });
        expect(res.statusCode).toBe(202);
      }
      expect(app.herald.stats().idempotencyRecords).toBe(200);
    } finally {
      await app.close();
    }
  });
});
