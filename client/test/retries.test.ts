// Retries that cannot send twice, timeouts and the caller's AbortSignal, against small servers
// that misbehave on purpose: 429 with Retry-After, 503 then 200, dropped connections, refused
// connections, answers that never come. Each test asserts what reached the server. The clock is
// injected: every wait between attempts is recorded and passes at once, and a timeout fires when
// the test says so.
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HeraldApiError, HeraldConnectionError, HeraldTimeoutError, type HeraldClientOptions } from '../index.ts';
import { fakeClock, type FakeClock } from './support/fake-clock.ts';
import { API_KEY, FLAVOURS } from './support/flavours.ts';
import { problem, startScriptedServer, type Script, type ScriptedServer } from './support/scripted-server.ts';

const KEY_ID = 'key_3xQm7RcV9pLk2NwT8sHa4YdE';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OK = { status: 200, body: { data: { ok: true } } };
const CREATED = { status: 201, body: { data: { id: KEY_ID } } };
const servers: ScriptedServer[] = [];
let time: FakeClock;

async function serve(script: Script): Promise<ScriptedServer> {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server;
}
/** A reply with more headers. */
const withHeaders = <R extends { headers: Record<string, string> }>(reply: R, headers: Record<string, string>): R => ({ ...reply, headers: { ...reply.headers, ...headers } });
/** Answers the scripted replies in turn, then the last one again. */
const inTurn = (...replies: ReturnType<Script>[]): Script => (_, index) => replies[Math.min(index, replies.length - 1)];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe.each(FLAVOURS.map((flavour) => [flavour.name, flavour] as const))('%s', (_, flavour) => {
  const make = (server: { baseUrl: string }, options: Partial<HeraldClientOptions> = {}) => {
    time = fakeClock();
    // random 0.5: each backoff sits at three quarters of its ceiling.
    return flavour.make({ baseUrl: server.baseUrl, apiKey: API_KEY, scheme: 'Bearer', clock: time.clock, random: () => 0.5, ...options });
  };

  describe('429', () => {
    it('waits Retry-After, then succeeds', async () => {
      const server = await serve(inTurn(withHeaders(problem(429, 'rate_limit_exceeded'), { 'retry-after': '3' }), OK));
      const caller = make(server);

      const { status, error } = await caller.ping();

      expect(error).toBeUndefined();
      expect(status).toBe(200);
      expect(server.seen).toHaveLength(2);
      expect(time.waits).toEqual([3000]);
    });

    it('waits for the rate-limit window to reset when Retry-After is missing', async () => {
      const refused = withHeaders(problem(429, 'rate_limit_exceeded'), { ratelimit: '"default";r=0;t=7', 'ratelimit-policy': '"default";q=200;w=60' });
      const server = await serve(inTurn(refused, OK));
      const caller = make(server);

      expect((await caller.ping()).status).toBe(200);
      expect(time.waits).toEqual([7000]);
    });

    it('returns at once, with retryAfter, when the server asks for longer than maxRetryWaitMs', async () => {
      const quota = problem(429, 'quota_exceeded', { quota: { limit: 10, used: 10, resets_at: '2026-12-01T00:00:00Z' } });
      const server = await serve(() => withHeaders(quota, { 'retry-after': '86400' }));
      const caller = make(server);

      const { error } = await caller.createKey();

      expect(error).toBeInstanceOf(HeraldApiError);
      expect(error).toMatchObject({ status: 429, code: 'quota_exceeded', retryAfter: 86400 });
      expect(server.seen).toHaveLength(1);
      expect(time.waits).toEqual([]);
    });

    it('retries even an operation that is not idempotent: a 429 was carried out for nothing', async () => {
      const server = await serve(inTurn(withHeaders(problem(429, 'rate_limit_exceeded'), { 'retry-after': '1' }), { status: 204 }));
      const caller = make(server);

      expect((await caller.revokeKey(KEY_ID)).status).toBe(204);
      expect(server.seen.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
    });
  });

  describe('5xx', () => {
    it('503 then 200: a GET is sent again after a jittered backoff', async () => {
      const server = await serve(inTurn(problem(503, 'internal_error'), OK));
      const caller = make(server);

      expect((await caller.ping()).status).toBe(200);
      expect(server.seen).toHaveLength(2);
      expect(time.waits).toEqual([375]);
    });

    it('a POST that takes an Idempotency-Key is sent again with the one the client made for the call', async () => {
      const server = await serve(inTurn(problem(503, 'internal_error'), problem(502, 'internal_error'), CREATED));
      const caller = make(server);

      expect((await caller.createKey()).status).toBe(201);
      const keys = server.seen.map((request) => request.headers['idempotency-key']);
      expect(keys).toHaveLength(3);
      expect(keys[0]).toMatch(UUID);
      expect(new Set(keys).size).toBe(1);
      expect(new Set(server.seen.map((request) => request.body)).size).toBe(1);
    });

    it('each call gets its own Idempotency-Key; one the caller gives is kept', async () => {
      const server = await serve(() => CREATED);
      const caller = make(server);

      await caller.createKey();
      await caller.createKey();
      await caller.createKey('my-own-key-1');

      const keys = server.seen.map((request) => request.headers['idempotency-key']);
      expect(keys[0]).not.toBe(keys[1]);
      expect(keys[2]).toBe('my-own-key-1');
    });

    it('a DELETE (no Idempotency-Key) is not sent again: the error comes back', async () => {
      const server = await serve(inTurn(problem(503, 'internal_error'), { status: 204 }));
      const caller = make(server);

      const { error } = await caller.revokeKey(KEY_ID);

      expect(error).toBeInstanceOf(HeraldApiError);
      expect(error).toMatchObject({ status: 503, code: 'internal_error' });
      expect(server.seen).toHaveLength(1);
    });

    it('stops after maxRetries, with backoffs doubling in their upper half', async () => {
      const server = await serve(() => problem(500, 'internal_error'));
      const lowest = make(server, { maxRetries: 4, random: () => 0 });

      const { error } = await lowest.ping();

      expect((error as HeraldApiError).code).toBe('internal_error');
      expect(server.seen).toHaveLength(5);
      expect(time.waits).toEqual([250, 500, 1000, 2000]);
      const highest = make(server, { maxRetries: 5, random: () => 0.999999 });
      await highest.ping();
      expect(time.waits.map(Math.round)).toEqual([500, 1000, 2000, 4000, 8000]);
    });

    it('maxRetries: 0 sends once', async () => {
      const server = await serve(() => problem(500, 'internal_error'));
      await make(server, { maxRetries: 0 }).ping();
      expect(server.seen).toHaveLength(1);
    });

    it.each([400, 401, 403, 404, 409, 422])('never retries a %i', async (status) => {
      const server = await serve(() => problem(status, 'validation_failed', { errors: [{ location: 'body', pointer: '/name', message: 'x' }] }));
      await make(server).createKey();
      expect(server.seen).toHaveLength(1);
    });
  });

  describe('a dropped connection (the request reached the server, the answer never came back)', () => {
    it('a GET is sent again', async () => {
      const server = await serve(inTurn('drop', OK));
      expect((await make(server).ping()).status).toBe(200);
      expect(server.seen).toHaveLength(2);
    });

    it('an idempotent POST is sent again with the same Idempotency-Key', async () => {
      const server = await serve(inTurn('drop', CREATED));
      expect((await make(server).createKey()).status).toBe(201);
      expect(server.seen).toHaveLength(2);
      expect(server.seen[1].headers['idempotency-key']).toBe(server.seen[0].headers['idempotency-key']);
    });

    it('a DELETE is not: it may have been carried out', async () => {
      const server = await serve(inTurn('drop', { status: 204 }));

      const { error } = await make(server).revokeKey(KEY_ID);

      expect(error).toBeInstanceOf(HeraldConnectionError);
      expect((error as HeraldConnectionError).attempts).toBe(1);
      expect(server.seen).toHaveLength(1);
    });
  });

  describe('a refused connection (nothing reached any server)', () => {
    it('is retried for any operation, a DELETE too, and then reported', async () => {
      const closedPort = await unusedPort();
      const caller = make({ baseUrl: `http://127.0.0.1:${closedPort}/v1` });

      const { error } = await caller.revokeKey(KEY_ID);

      expect(error).toBeInstanceOf(HeraldConnectionError);
      expect((error as HeraldConnectionError).attempts).toBe(3);
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      expect(time.waits).toEqual([375, 750]);
    });
  });

  describe('timeoutMs', () => {
    it('ends an attempt whose answer does not come, closes its connection, and retries a GET', async () => {
      const server = await serve(() => 'hang');
      const caller = make(server, { maxRetries: 1, timeoutMs: 5000 });

      const call = caller.ping();
      await server.received(1);
      time.fireTimers();
      await server.received(2);
      time.fireTimers();
      const { error } = await call;

      expect(error).toBeInstanceOf(HeraldTimeoutError);
      expect((error as HeraldTimeoutError).attempts).toBe(2);
      expect((error as Error).message).toMatch(/5000 ms/);
      await expect.poll(() => server.seen.map((request) => request.closedByClient)).toEqual([true, true]);
      expect(time.pendingTimers()).toBe(0);
    });

    it('does not retry a DELETE that timed out', async () => {
      const server = await serve(() => 'hang');
      const caller = make(server);

      const call = caller.revokeKey(KEY_ID);
      await server.received(1);
      time.fireTimers();

      expect((await call).error).toBeInstanceOf(HeraldTimeoutError);
      expect(server.seen).toHaveLength(1);
    });

    it('also bounds the body: an answer that stalls half-way fails the call, its connection closed', async () => {
      const server = await serve(() => ({ ...OK, cut: 'hang' }));
      let headersCame!: () => void;
      const headers = new Promise<void>((resolve) => (headersCame = resolve));
      const caller = make(server, {
        maxRetries: 0,
        fetch: async (request) => {
          const response = await fetch(request);
          headersCame();
          return response;
        },
      });

      const call = caller.ping();
      await headers;
      expect(time.pendingTimers()).toBe(1);
      time.fireTimers();

      expect((await call).error).toBeInstanceOf(HeraldTimeoutError);
      await expect.poll(() => server.seen[0].closedByClient).toBe(true);
    });

    it('a connection that breaks half-way through the answer is a HeraldConnectionError', async () => {
      const server = await serve(() => ({ ...OK, cut: 'drop' }));
      const { error } = await make(server, { maxRetries: 0 }).ping();
      expect(error).toBeInstanceOf(HeraldConnectionError);
      expect(time.pendingTimers()).toBe(0);
    });

    it('Infinity sets no timer: only the caller\'s signal ends an attempt', async () => {
      const server = await serve(() => 'hang');
      const caller = make(server, { timeoutMs: Infinity });
      const controller = new AbortController();

      const call = caller.ping({ signal: controller.signal });
      await server.received(1);
      expect(time.pendingTimers()).toBe(0);
      controller.abort(new Error('enough'));

      expect(((await call).error as Error).message).toBe('enough');
      await expect.poll(() => server.seen[0].closedByClient).toBe(true);
    });

    it('leaves no timer behind once a call has its answer', async () => {
      const server = await serve(() => OK);
      const caller = make(server);
      await caller.ping();
      await caller.createKey();
      expect(time.pendingTimers()).toBe(0);
    });
  });

  describe('the caller\'s AbortSignal', () => {
    it('aborts the call in flight, closes its connection and is not retried', async () => {
      const server = await serve(() => 'hang');
      const caller = make(server);
      const controller = new AbortController();
      const reason = new Error('the user went away');

      const call = caller.ping({ signal: controller.signal });
      await server.received(1);
      controller.abort(reason);

      expect((await call).error).toBe(reason);
      await expect.poll(() => server.seen[0].closedByClient).toBe(true);
      expect(server.seen).toHaveLength(1);
      expect(time.pendingTimers()).toBe(0);
    });

    it('an aborted signal sends nothing', async () => {
      const server = await serve(() => OK);
      const controller = new AbortController();
      controller.abort(new Error('too late'));

      expect(((await make(server).ping({ signal: controller.signal })).error as Error).message).toBe('too late');
      expect(server.seen).toHaveLength(0);
    });
  });

  it('names itself in User-Agent: the package, its version and the runtime', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const server = await serve(() => OK);
    const caller = make(server);
    await caller.ping();
    await caller.createKey();
    for (const request of server.seen) expect(request.headers['user-agent']).toBe(`${manifest.name}/${manifest.version} node/${process.versions.node}`);
  });
});

/** A port on 127.0.0.1 nothing listens on (taken, then released). */
function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
