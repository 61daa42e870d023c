import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/server.ts';

// A property-based sweep of odd requests: whatever arrives, the answer is documented (checked by
// the spec validator inside `call`), never a 5xx, and the server stays healthy.

const ctx = useServer({ manualClock: true, failedAuthLimit: 1_000_000, rateLimitScale: 1000 });

const paths = fc.constantFrom(
  '/v1/ping', '/v1/environment', '/v1/api-keys', '/v1/api-keys/key_AAAAAAAAAAAAAAAAAAAAAAAA', '/v1/api-keys/x/regenerate',
  '/v1/notifications', '/v1/notifications/ntf_AAAAAAAAAAAAAAAAAAAAAAAA', '/v1/usage', '/v1/', '/v1/api-keys/%E2%82', '/v1/../etc/passwd',
);
const methods = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD');
const query = fc.oneof(fc.constant(''), fc.constantFrom('?limit=1', '?limit=-5', '?cursor=', '?limit=1e3', '?x[y]=1', '?limit=%00'), fc.string({ maxLength: 20 }).map((s) => `?${encodeURIComponent(s)}`));
const bodies = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 50 }),
  fc.constantFrom('{"channel":"email","to":"a@b.co","subject":"s","text":"t"}', '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]', '{"scopes":null}', '{"grace_period_seconds":1e400}'),
);
const contentTypes = fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/json; charset=latin1', 'APPLICATION/JSON', 'x');

describe('hostile request sweep', () => {
  it('answers every request with a documented answer and never a 5xx', async () => {
    const keys = [ctx.server.keys.HERALD_API_KEY, ctx.server.keys.HERALD_READ_ONLY_API_KEY];
    const credential = fc.oneof(
      fc.constant({}),
      fc.constantFrom(...keys).map((k) => ({ authorization: `Bearer ${k}` })),
      fc.constantFrom(...keys).map((k) => ({ 'x-api-key': k })),
      fc.string({ maxLength: 60 }).map((s) => ({ authorization: s.replace(/[^\x20-\x7e]/g, '') })),
      fc.string({ maxLength: 60 }).map((s) => ({ 'x-api-key': s.replace(/[^\x20-\x7e]/g, '') })),
    );
    await fc.assert(
      fc.asyncProperty(methods, paths, query, credential, bodies, contentTypes, async (method, path, q, headers, body, contentType) => {
        const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const res = await ctx.call(method, path + q, {
          headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) },
          body: method === 'GET' || method === 'HEAD' ? undefined : text,
        });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 600 },
    );
    expect((await ctx.call('GET', '/health', { unchecked: true })).status).toBe(200);
  });
});
