// Both clients against the reference server: paging through every key with `for await`, and
// retries that cannot send twice, proven end to end. A proxy in front of the server lets the
// server carry a request out and then drops the connection before the answer gets back: the
// client retries a create with the same Idempotency-Key and gets the stored answer (one key
// exists, not two), and does not retry a revoke at all.
import { request as httpRequest, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../mock/src/testing.ts';
import { createHeraldClient, HeraldApiError, HeraldConnectionError, HeraldError } from '../index.ts';
import { createHeraldSdkClient } from '../sdk.ts';
import { FLAVOURS } from './support/flavours.ts';
import { fakeClock } from './support/fake-clock.ts';
import { startScriptedServer } from './support/scripted-server.ts';

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer();
});
afterAll(() => server?.close());

/** Every key of the demo environment, in one page (the spec allows 100). */
async function allKeyIds(): Promise<string[]> {
  const herald = createHeraldClient({ baseUrl: server.baseUrl, apiKey: server.keys.HERALD_API_KEY, scheme: 'Bearer' });
  const { data } = await herald.GET('/api-keys', { params: { query: { limit: 100 } } });
  return data!.data.map((key) => key.id);
}

describe('paginate', () => {
  const options = () => ({ baseUrl: server.baseUrl, apiKey: server.keys.HERALD_API_KEY, scheme: 'ApiKey' as const });
  const paginators = {
    createHeraldClient: (fetch?: (request: Request) => Promise<Response>) => createHeraldClient({ ...options(), fetch }),
    createHeraldSdkClient: (fetch?: (request: Request) => Promise<Response>) => createHeraldSdkClient({ ...options(), fetch }),
  };

  beforeAll(async () => {
    const herald = createHeraldClient(options());
    for (let i = 0; i < 5; i++) await herald.POST('/api-keys', { body: { name: `Paged ${i}`, scopes: ['usage:read'] } });
  });

  describe.each(Object.entries(paginators))('%s', (_, make) => {
    it('yields every key once, in order, a page of `limit` at a time', async () => {
      const expected = await allKeyIds();
      const pages: string[] = [];
      const client = make((request) => {
        pages.push(new URL(request.url).search);
        return fetch(request);
      });

      const ids: string[] = [];
      for await (const key of client.paginate('/api-keys', { limit: 2 })) ids.push(key.id);

      expect(expected.length).toBeGreaterThanOrEqual(6);
      expect(ids).toEqual(expected);
      expect(pages).toHaveLength(Math.ceil(expected.length / 2));
      expect(pages[0]).toBe('?limit=2');
      expect(pages.slice(1).every((search) => /^\?limit=2&cursor=[\w-]+$/.test(search))).toBe(true);
    });

    it('fetches the next page only when the loop gets there', async () => {
      const pages: string[] = [];
      const client = make((request) => {
        pages.push(request.url);
        return fetch(request);
      });
      for await (const key of client.paginate('/api-keys', { limit: 2 })) {
        expect(key.id).toMatch(/^key_/);
        break;
      }
      expect(pages).toHaveLength(1);
    });

    it('throws the HeraldApiError of a page that fails', async () => {
      const refused = make === paginators.createHeraldClient
        ? createHeraldClient({ ...options(), apiKey: server.keys.HERALD_INACTIVE_ACCOUNT_API_KEY })
        : createHeraldSdkClient({ ...options(), apiKey: server.keys.HERALD_INACTIVE_ACCOUNT_API_KEY });
      const loop = async () => {
        for await (const key of refused.paginate('/api-keys')) void key;
      };
      await expect(loop()).rejects.toBeInstanceOf(HeraldApiError);
      await expect(loop()).rejects.toMatchObject({ status: 403, code: 'account_inactive' });
    });

    it('refuses, at run time, a path that is not cursor-paginated', () => {
      expect(() => make().paginate('/usage' as '/api-keys')).toThrow(/\/usage is not a cursor-paginated operation; these are: \/api-keys/);
    });
  });

  it('stops, rather than loop for ever, when a server hands out the same cursor twice', async () => {
    const page = { data: [{ id: 'key_a' }], next_cursor: 'c2FtZQ' };
    const looping = await startScriptedServer(() => ({ status: 200, body: page }));
    try {
      const herald = createHeraldClient({ baseUrl: looping.baseUrl, apiKey: server.keys.HERALD_API_KEY, scheme: 'Bearer' });
      const seen: string[] = [];
      const loop = async () => {
        for await (const key of herald.paginate('/api-keys')) seen.push(key.id);
      };
      await expect(loop()).rejects.toThrow(HeraldError);
      expect(seen).toEqual(['key_a', 'key_a']);
      expect(looping.seen).toHaveLength(2);
    } finally {
      await looping.close();
    }
  });
});

/**
 * A proxy to the reference server that, for the requests `dropAnswer` picks, forwards the
 * request, waits until the server has answered (so it has carried the request out), then
 * destroys the client's connection instead of passing the answer on.
 */
async function startDroppingProxy(dropAnswer: (request: IncomingMessage, index: number) => boolean) {
  const forwarded: Array<{ method: string; url: string; idempotencyKey: string | undefined; status: number; replayed: string | undefined; dropped: boolean }> = [];
  const upstream = new URL(server.origin);
  const proxy: Server = createServer((incoming, outgoing) => {
    const index = forwarded.length;
    const drop = dropAnswer(incoming, index);
    const record = { method: incoming.method!, url: incoming.url!, idempotencyKey: incoming.headers['idempotency-key'] as string | undefined, status: 0, replayed: undefined as string | undefined, dropped: drop };
    forwarded.push(record);
    const upstreamRequest = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      record.status = answer.statusCode!;
      record.replayed = answer.headers['idempotent-replayed'] as string | undefined;
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        if (drop) incoming.socket.destroy();
        else outgoing.writeHead(answer.statusCode!, answer.headers).end(Buffer.concat(chunks));
      });
    });
    incoming.pipe(upstreamRequest);
  });
  await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
  const origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    baseUrl: origin + new URL(server.baseUrl).pathname,
    forwarded,
    close: () => new Promise<void>((done) => {
      proxy.closeAllConnections();
      proxy.close(() => done());
    }),
  };
}

describe.each(FLAVOURS.map((flavour) => [flavour.name, flavour] as const))('%s: an answer lost after the server acted', (_, flavour) => {
  it('a create is retried with the same Idempotency-Key: the stored answer comes back, one key exists', async () => {
    const proxy = await startDroppingProxy((request, index) => request.method === 'POST' && index === 0);
    try {
      const before = await allKeyIds();
      const time = fakeClock();
      const caller = flavour.make({ baseUrl: proxy.baseUrl, apiKey: server.keys.HERALD_API_KEY, scheme: 'Bearer', clock: time.clock });

      const { status, data, error } = await caller.createKey();

      expect(error).toBeUndefined();
      expect(status).toBe(201);
      expect(proxy.forwarded.map(({ method, status, replayed, dropped }) => ({ method, status, replayed, dropped }))).toEqual([
        { method: 'POST', status: 201, replayed: undefined, dropped: true },
        { method: 'POST', status: 201, replayed: 'true', dropped: false },
      ]);
      expect(proxy.forwarded[0].idempotencyKey).toBeDefined();
      expect(proxy.forwarded[1].idempotencyKey).toBe(proxy.forwarded[0].idempotencyKey);
      const created = (data as { data: { id: string } }).data.id;
      const after = await allKeyIds();
      expect(after).toEqual([...before, created]);
      expect(time.waits).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('a revoke is not retried: the call fails, the key was revoked once', async () => {
    const herald = createHeraldClient({ baseUrl: server.baseUrl, apiKey: server.keys.HERALD_API_KEY, scheme: 'Bearer' });
    const { data } = await herald.POST('/api-keys', { body: { name: 'To revoke', scopes: ['usage:read'] } });
    const keyId = data!.data.id;
    const proxy = await startDroppingProxy((request) => request.method === 'DELETE');
    try {
      const caller = flavour.make({ baseUrl: proxy.baseUrl, apiKey: server.keys.HERALD_API_KEY, scheme: 'Bearer', clock: fakeClock().clock });

      const { error } = await caller.revokeKey(keyId);

      expect(error).toBeInstanceOf(HeraldConnectionError);
      expect(proxy.forwarded.map(({ method, status }) => `${method} ${status}`)).toEqual(['DELETE 204']);
      expect(await allKeyIds()).not.toContain(keyId);
    } finally {
      await proxy.close();
    }
  });
});
