import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { generateKey } from '../../src/key-format.ts';
import { DEFAULT_SPEC_PATH, loadContract } from '../../src/spec.ts';
import { validator } from '../support/http.ts';
import { sendAlone, type RawResponse } from '../support/raw-http.ts';
import { useServer, withServer } from '../support/server.ts';
import { REQUEST_ID } from '../support/spec-values.ts';

const ctx = useServer({ manualClock: true });
const full = () => ctx.server.keys.HERALD_API_KEY;

/** A request written out as given (for requests no HTTP client would send), on a connection of its own. */
async function rawExchange(origin: string, bytes: string): Promise<RawResponse> {
  const outcome = await sendAlone(origin, { bytes: Buffer.from(bytes, 'latin1'), head: false });
  if (!outcome.response) throw new Error(`no answer: ${outcome.failure}`);
  return outcome.response;
}

describe('answers outside the operations', () => {
  it('answers unknown routes with 404 not_found, without asking for a key', async () => {
    for (const path of ['/v1/nope', '/v1/ping/', '/v2/ping', '/v1/api-keys/key_AAAAAAAAAAAAAAAAAAAAAAAA/extra', '/v1/%2e%2e/ping', '/v1//ping']) {
      const res = await ctx.call('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.json.code).toBe('not_found');
    }
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/v1/ping', 'GET'],
      ['PUT', '/v1/api-keys', 'GET, POST'],
      ['PATCH', '/v1/api-keys/key_AAAAAAAAAAAAAAAAAAAAAAAA', 'GET, DELETE'],
      ['HEAD', '/v1/ping', 'GET'],
      ['OPTIONS', '/v1/notifications', 'POST'],
      ['GET', '/v1/api-keys/key_AAAAAAAAAAAAAAAAAAAAAAAA/regenerate', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await ctx.call(method, path, { key: full() });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.header('allow')).toBe(allow);
      if (method !== 'HEAD') expect(res.json.code).toBe('method_not_allowed');
    }
  });

  it('answers a URL with broken percent-encoding with 400', async () => {
    const res = await ctx.call('GET', '/v1/api-keys/%zz', { key: full() });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_failed');
  });
});

describe('bodies', () => {
  it('refuses bad JSON with validation_failed, after authentication (rate-limit headers present)', async () => {
    for (const body of ['{not json', '{"name": "x",}', '', '{"__proto__": {"x": 1}}']) {
      const res = await ctx.call('POST', '/api-keys', { key: full(), body, contentType: 'application/json' });
      expect(res.status, body).toBe(400);
      expect(res.json.code).toBe('validation_failed');
      expect(res.json.errors[0].location).toBe('body');
      expect(res.header('x-ratelimit-limit')).toBeDefined();
    }
  });

  it('refuses a non-JSON content type with 415', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/jsonx', ';;;']) {
      const res = await ctx.call('POST', '/notifications', { key: full(), body: 'channel=email', contentType });
      expect(res.status, contentType).toBe(415);
      expect(res.json.code).toBe('unsupported_media_type');
    }
    const none = await ctx.call('POST', '/api-keys', { key: full(), body: '{}' });
    expect(none.status).toBe(415);
  });

  it('accepts JSON with a charset parameter and any case', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'Application/JSON']) {
      const res = await ctx.call('POST', '/api-keys', { key: full(), body: '{"name":"ct"}', contentType });
      expect(res.status, contentType).toBe(201);
    }
  });

  it('refuses bodies over 16 KiB with 413 and accepts 16 KiB', async () => {
    const json = (size: number) => {
      const base = { channel: 'webhook', url: 'https://hooks.example.com/x', payload: { pad: '' } };
      const padding = size - JSON.stringify(base).length;
      return JSON.stringify({ ...base, payload: { pad: 'x'.repeat(padding) } });
    };
    const limit = loadContract().maxBodyBytes;
    expect(json(limit).length).toBe(limit);
    const ok = await ctx.call('POST', '/notifications', { key: full(), body: json(limit), contentType: 'application/json' });
    expect(ok.status).toBe(202);
    const tooBig = await ctx.call('POST', '/notifications', { key: full(), body: json(limit + 1), contentType: 'application/json' });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.code).toBe('payload_too_large');
    const huge = await ctx.call('POST', '/api-keys', { key: full(), body: 'x'.repeat(1_000_000), contentType: 'application/json' });
    expect(huge.status).toBe(413);
  });

  it('answers a body that does not match its Content-Length with 400', async () => {
    const res = await rawExchange(
      ctx.server.origin,
      `POST /v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${full()}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    );
    expect(res.status).toBe(400);
  });
});

describe('malformed HTTP', () => {
  it('answers oversized headers and garbage with a problem document, and stays healthy', async () => {
    const oversized = await rawExchange(ctx.server.origin, `GET /v1/ping HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    const garbage = await rawExchange(ctx.server.origin, 'NOT A REQUEST\r\n\r\n');
    for (const res of [oversized, garbage]) {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
      const problem = JSON.parse(res.body);
      expect(problem.code).toBe('validation_failed');
      expect(validator.violations({ method: 'GET', url: '/v1/ping', status: 400, header: (n) => res.headers[n.toLowerCase()], body: res.body })).toEqual([]);
    }
    expect((await ctx.call('GET', '/health', { unchecked: true })).status).toBe(200);
  });
});

describe('every response', () => {
  it('carries a fresh X-Request-Id and a Date from the server clock', async () => {
    const ids = new Set<string>();
    for (const [method, path] of [['GET', '/v1/ping'], ['GET', '/v1/nope'], ['DELETE', '/v1/ping'], ['GET', '/health']]) {
      const res = await ctx.call(method, path, { key: full(), unchecked: path === '/health' });
      ids.add(res.header('x-request-id')!);
      expect(Date.parse(res.header('date')!)).toBe(Math.floor(ctx.server.clock.now() / 1000) * 1000);
    }
    expect(ids.size).toBe(4);
  });
});

describe('the site around the API', () => {
  it('serves /health without a key', async () => {
    const res = await ctx.call('GET', '/health', { unchecked: true });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('serves the bundled spec as JSON and YAML', async () => {
    const json = await ctx.call('GET', '/openapi.json', { unchecked: true });
    expect(json.status).toBe(200);
    expect(json.json).toEqual(JSON.parse(readFileSync(DEFAULT_SPEC_PATH, 'utf8')));
    const yaml = await ctx.call('GET', '/openapi.yaml', { unchecked: true });
    expect(yaml.status).toBe(200);
    expect(yaml.header('content-type')).toMatch(/^application\/yaml/);
    expect(YAML.parse(yaml.text)).toEqual(json.json);
  });

  it('serves the docs page when it has been generated, and says how to make it otherwise', async () => {
    const docsPath = new URL('../../../docs/index.html', import.meta.url);
    const res = await ctx.call('GET', '/docs', { unchecked: true });
    if (existsSync(docsPath)) {
      expect(res.status).toBe(200);
      expect(res.header('content-type')).toMatch(/^text\/html/);
      expect(res.text).toBe(readFileSync(docsPath, 'utf8'));
    }
    await withServer({ server: { docsPath: '/nonexistent/index.html' } }, async (_, call) => {
      const missing = await call('GET', '/docs', { unchecked: true });
      expect(missing.status).toBe(404);
      expect(missing.json.detail).toContain('npm run generate');
    });
  });
});

describe('the test clock', () => {
  it('shows and moves the server clock; everything time-based follows it', async () => {
    const before = await ctx.call('GET', '/_herald/test-clock', { unchecked: true });
    expect(Date.parse(before.json.now)).toBe(ctx.server.clock.now());
    const moved = await ctx.call('POST', '/_herald/test-clock', { json: { advance_seconds: 3600 }, unchecked: true });
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.json.now) - Date.parse(before.json.now)).toBe(3600_000);
    const ping = await ctx.call('GET', '/ping', { key: full() });
    expect(Date.parse(ping.header('date')!)).toBe(Math.floor(Date.parse(moved.json.now) / 1000) * 1000);
  });

  it('moves back by what a client moved it forward, and windows opened in the travelled future close', async () => {
    const before = await ctx.call('GET', '/_herald/test-clock', { unchecked: true });
    await ctx.call('POST', '/_herald/test-clock', { json: { advance_seconds: 600 }, unchecked: true });
    const key = full();
    const first = await ctx.call('GET', '/ping', { key });
    const limit = Number(first.header('x-ratelimit-limit'));
    const spent = Number(first.header('x-ratelimit-remaining'));
    const back = await ctx.call('POST', '/_herald/test-clock', { json: { rewind_seconds: 600 }, unchecked: true });
    expect(back.status).toBe(200);
    expect(Date.parse(back.json.now) - Date.parse(before.json.now)).toBe(ctx.server.clock.now() - Date.parse(before.json.now));
    expect(Math.abs(Date.parse(back.json.now) - Date.parse(before.json.now))).toBeLessThan(1000);
    // The window the ping opened ten minutes ahead would otherwise last eleven minutes from now.
    const again = await ctx.call('GET', '/ping', { key });
    expect(Number(again.header('x-ratelimit-remaining'))).toBe(limit - 1);
    expect(spent).toBeLessThan(limit);
  });

  it('refuses anything but a whole, non-negative number of seconds', async () => {
    for (const body of [{ advance_seconds: -1 }, { advance_seconds: 1.5 }, { advance_seconds: '10' }, {}, { advance_seconds: 1, x: 1 }, [], { rewind_seconds: -5 }, { advance_seconds: 1, rewind_seconds: 1 }]) {
      const res = await ctx.call('POST', '/_herald/test-clock', { json: body, unchecked: true });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe('validation_failed');
    }
  });

  it('is absent when disabled', async () => {
    await withServer({ server: { testClock: false } }, async (other, call) => {
      const res = await call('GET', '/_herald/test-clock', { unchecked: true });
      expect(res.status).toBe(404);
      expect(other.env.HERALD_TEST_CLOCK_URL).toBeUndefined();
    });
  });
});

describe('the stats', () => {
  const stats = async () => {
    const res = await ctx.call('GET', '/_herald/stats', { unchecked: true });
    expect(res.status).toBe(200);
    expect(res.header('content-type')).toMatch(/^application\/json/);
    expect(res.header('cache-control')).toBe('no-store');
    return res.json as Record<string, number>;
  };

  it('shows the counters behind herald.stats(), and what moves them', async () => {
    const before = await stats();
    expect(Object.keys(before).sort()).toEqual(['idempotency_records', 'rate_limited_keys', 'store_lookups', 'throttled_addresses']);
    const handle = ctx.server.app.herald.stats();
    expect(before).toEqual({
      store_lookups: handle.storeLookups,
      rate_limited_keys: handle.rateLimitedKeys,
      throttled_addresses: handle.throttledAddresses,
      idempotency_records: handle.idempotencyRecords,
    });
    // A malformed key: refused before any lookup, and no state but the address's failure.
    const malformed = `${generateKey('test').slice(0, -1)}!`;
    expect((await ctx.call('GET', '/ping', { key: malformed })).status).toBe(401);
    const afterMalformed = await stats();
    expect(afterMalformed.store_lookups).toBe(before.store_lookups);
    expect(afterMalformed.rate_limited_keys).toBe(before.rate_limited_keys);
    expect(afterMalformed.throttled_addresses).toBe(1);
    // A well-formed key no one holds: one lookup.
    expect((await ctx.call('GET', '/ping', { key: generateKey('test') })).status).toBe(401);
    expect((await stats()).store_lookups).toBe(before.store_lookups + 1);
    // A created key's first request: one lookup, one rate-limit window; an Idempotency-Key: one record.
    const created = await ctx.call('POST', '/api-keys', { key: full(), json: { name: 'stats' }, idempotencyKey: 'stats-1' });
    expect(created.status).toBe(201);
    const beforeFirstUse = await stats();
    expect((await ctx.call('GET', '/ping', { key: created.json.data.secret })).status).toBe(200);
    const afterFirstUse = await stats();
    expect(afterFirstUse.store_lookups).toBe(beforeFirstUse.store_lookups + 1);
    expect(afterFirstUse.rate_limited_keys).toBe(beforeFirstUse.rate_limited_keys + 1);
    expect(beforeFirstUse.idempotency_records).toBe(afterMalformed.idempotency_records + 1);
  });

  it('is read-only: other methods get 405', async () => {
    const res = await ctx.call('POST', '/_herald/stats', { json: {}, unchecked: true });
    expect(res.status).toBe(405);
    expect(res.header('allow')).toBe('GET');
    expect(res.json.code).toBe('method_not_allowed');
  });

  it('is absent when disabled', async () => {
    await withServer({ server: { statsRoute: false } }, async (other, call) => {
      const res = await call('GET', '/_herald/stats', { unchecked: true });
      expect(res.status).toBe(404);
      expect(other.env.HERALD_STATS_URL).toBeUndefined();
      expect(other.env.HERALD_TEST_CLOCK_URL).toBeDefined();
    });
  });
});
