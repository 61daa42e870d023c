// The rate-limit state of the last response, from either header family the spec documents,
// and the same state the reference server reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../mock/src/testing.ts';
import { rateLimitOf, retryAfterSeconds } from '../rate-limit.ts';
import { FLAVOURS } from './support/flavours.ts';

const NOW = Date.UTC(2026, 10, 24, 9, 0, 0);

describe('rateLimitOf', () => {
  it('reads the IETF fields: q and w from RateLimit-Policy, r and t from RateLimit', () => {
    const headers = new Headers({ 'RateLimit-Policy': '"default";q=200;w=60', RateLimit: '"default";r=199;t=42' });
    expect(rateLimitOf(headers, NOW)).toEqual({ policy: 'default', limit: 200, remaining: 199, resetAt: new Date(NOW + 42_000), windowSeconds: 60 });
  });

  it('reads the X-RateLimit-* trio, the reset in epoch seconds', () => {
    const headers = new Headers({ 'X-RateLimit-Limit': '200', 'X-RateLimit-Remaining': '7', 'X-RateLimit-Reset': String(NOW / 1000 + 30) });
    expect(rateLimitOf(headers, NOW)).toEqual({ policy: undefined, limit: 200, remaining: 7, resetAt: new Date(NOW + 30_000), windowSeconds: undefined });
  });

  it('prefers the IETF fields when both come, and ignores a policy of another name', () => {
    const headers = new Headers({
      'RateLimit-Policy': '"other";q=5;w=10',
      RateLimit: '"failed-auth";r=0;t=9',
      'X-RateLimit-Limit': '500',
      'X-RateLimit-Remaining': '3',
      'X-RateLimit-Reset': String(NOW / 1000 + 60),
    });
    expect(rateLimitOf(headers, NOW)).toEqual({ policy: 'failed-auth', limit: 500, remaining: 0, resetAt: new Date(NOW + 9_000), windowSeconds: undefined });
  });

  it.each([
    ['no header', {}],
    ['an incomplete family', { 'X-RateLimit-Limit': '200' }],
    ['garbage', { RateLimit: 'lots', 'RateLimit-Policy': 'many', 'X-RateLimit-Remaining': 'x' }],
  ])('is undefined for %s', (_, headers) => {
    expect(rateLimitOf(new Headers(headers as Record<string, string>), NOW)).toBeUndefined();
  });

  it('reads Retry-After as delta-seconds or an HTTP date', () => {
    expect(retryAfterSeconds(new Headers({ 'Retry-After': '42' }), NOW)).toBe(42);
    expect(retryAfterSeconds(new Headers({ 'Retry-After': new Date(NOW + 90_000).toUTCString() }), NOW)).toBe(90);
    expect(retryAfterSeconds(new Headers({ 'Retry-After': 'soon' }), NOW)).toBeUndefined();
    expect(retryAfterSeconds(new Headers(), NOW)).toBeUndefined();
  });
});

describe.each(FLAVOURS.map((flavour) => [flavour.name, flavour] as const))('%s against the reference server', (_, flavour) => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer();
  });
  afterAll(() => server?.close());

  it('reports the state of the last response, as the server states it in GET /usage', async () => {
    const caller = flavour.make({ baseUrl: server.baseUrl, apiKey: server.keys.HERALD_READ_ONLY_API_KEY, scheme: 'Bearer' });
    expect(caller.rateLimit).toBeUndefined();

    await caller.ping();
    const afterPing = caller.rateLimit!;
    const { data } = await caller.usage();
    const stated = (data as { data: { rate_limit: { limit: number; remaining: number; window_seconds: number; resets_at: string } } }).data.rate_limit;
    const afterUsage = caller.rateLimit!;

    expect(afterUsage).toMatchObject({ policy: 'default', limit: stated.limit, remaining: stated.remaining, windowSeconds: stated.window_seconds });
    // `t` counts whole seconds: the two agree to within one, plus the time the answer took.
    expect(Math.abs(afterUsage.resetAt.getTime() - Date.parse(stated.resets_at))).toBeLessThanOrEqual(1_500);
    expect(afterUsage.remaining).toBe(afterPing.remaining - 1);
  });
});
