// The key never leaves its origin. A server answers a redirect to another origin; for every
// header form, in the openapi-fetch client, the SDK client and the SDK's default `client`, the
// call fails with HeraldRedirectError and the other origin receives nothing at all. Redirects
// within the origin are followed with the key when they re-send the same request, refused when
// they would turn it into a GET.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH_SCHEMES, HeraldRedirectError, type AuthScheme } from '../index.ts';
import { client as sdkDefaultClient, getEnvironment } from '../sdk.ts';
import { API_KEY, FLAVOURS } from './support/flavours.ts';
import { startScriptedServer, type Reply, type ScriptedServer } from './support/scripted-server.ts';

/** The credential header each form sends, read back from what reached a server. */
const SENT_AS: Record<AuthScheme, [string, string]> = {
  ApiKey: ['authorization', `ApiKey ${API_KEY}`],
  Bearer: ['authorization', `Bearer ${API_KEY}`],
  'X-API-Key': ['x-api-key', API_KEY],
};

let herald: ScriptedServer;
let elsewhere: ScriptedServer;
let redirectTo: (path: string) => Reply;

beforeEach(async () => {
  elsewhere = await startScriptedServer(() => ({ status: 200, body: { data: {} } }));
  redirectTo = () => ({ status: 307, headers: { location: `${elsewhere.origin}/v1/ping` } });
  herald = await startScriptedServer((request) => redirectTo(request.url));
});
afterEach(async () => {
  await herald.close();
  await elsewhere.close();
});

describe.each(FLAVOURS.map((flavour) => [flavour.name, flavour] as const))('%s', (_, flavour) => {
  describe.each(AUTH_SCHEMES)('with the key in the %s form', (scheme) => {
    it.each([301, 302, 303, 307, 308])('refuses a %i redirect to another origin: nothing reaches it', async (status) => {
      redirectTo = () => ({ status, headers: { location: `${elsewhere.origin}/v1/ping` } });
      const caller = flavour.make({ baseUrl: herald.baseUrl, apiKey: API_KEY, scheme });

      const { error } = await caller.ping();

      expect(error).toBeInstanceOf(HeraldRedirectError);
      expect((error as HeraldRedirectError).status).toBe(status);
      expect((error as Error).message).toContain(elsewhere.origin);
      expect(String((error as Error).message)).not.toContain(API_KEY);
      expect(elsewhere.seen).toEqual([]);
      expect(herald.seen).toHaveLength(1);
      expect(herald.seen[0].headers[SENT_AS[scheme][0]]).toBe(SENT_AS[scheme][1]);
    });

    it('refuses a redirect to the same port under another host name (another origin)', async () => {
      const port = new URL(herald.origin).port;
      redirectTo = (url) => (url === '/v1/ping' ? { status: 307, headers: { location: `http://localhost:${port}/v1/elsewhere` } } : { status: 200, body: { data: {} } });
      const caller = flavour.make({ baseUrl: herald.baseUrl, apiKey: API_KEY, scheme });

      const { error } = await caller.ping();

      expect(error).toBeInstanceOf(HeraldRedirectError);
      expect(herald.seen.map((request) => request.url)).toEqual(['/v1/ping']);
    });

    it('follows a redirect within the origin, with the key, once', async () => {
      redirectTo = (url) => (url === '/v1/ping' ? { status: 308, headers: { location: '/v1/ping-moved' } } : { status: 200, body: { data: { moved: true } } });
      const caller = flavour.make({ baseUrl: herald.baseUrl, apiKey: API_KEY, scheme });

      const { data, error } = await caller.ping();

      expect(error).toBeUndefined();
      expect(data).toEqual({ data: { moved: true } });
      expect(herald.seen.map((request) => request.url)).toEqual(['/v1/ping', '/v1/ping-moved']);
      for (const request of herald.seen) expect(request.headers[SENT_AS[scheme][0]]).toBe(SENT_AS[scheme][1]);
    });
  });

  it('refuses a same-origin 302 on a POST, which fetch would re-send as a GET', async () => {
    redirectTo = () => ({ status: 302, headers: { location: '/v1/api-keys-elsewhere' } });
    const caller = flavour.make({ baseUrl: herald.baseUrl, apiKey: API_KEY, scheme: 'Bearer' });

    const { error } = await caller.createKey();

    expect(error).toBeInstanceOf(HeraldRedirectError);
    expect(herald.seen.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /v1/api-keys']);
  });

  it('re-sends the body on a same-origin 307 of a POST, with the same Idempotency-Key', async () => {
    redirectTo = (url) => (url === '/v1/api-keys' ? { status: 307, headers: { location: '/v1/api-keys-moved' } } : { status: 201, body: { data: {} } });
    const caller = flavour.make({ baseUrl: herald.baseUrl, apiKey: API_KEY, scheme: 'Bearer' });

    const { status } = await caller.createKey();

    expect(status).toBe(201);
    expect(herald.seen.map((request) => request.body)).toEqual([JSON.stringify({ name: 'Scripted' }), JSON.stringify({ name: 'Scripted' })]);
    expect(herald.seen[1].headers['idempotency-key']).toBe(herald.seen[0].headers['idempotency-key']);
  });

  it('gives up after five redirects in a row', async () => {
    redirectTo = (url) => ({ status: 307, headers: { location: `${url}x` } });
    const caller = flavour.make({ baseUrl: herald.baseUrl, apiKey: API_KEY, scheme: 'Bearer' });

    const { error } = await caller.ping();

    expect(error).toBeInstanceOf(HeraldRedirectError);
    expect(herald.seen).toHaveLength(6);
  });
});

describe("the SDK's default client, configured with an auth callback only", () => {
  const AUTH: Record<AuthScheme, (auth: { type: string; name?: string; scheme?: string }) => string | undefined> = {
    ApiKey: (auth) => (auth.type === 'apiKey' && auth.name === 'Authorization' ? `ApiKey ${API_KEY}` : undefined),
    Bearer: (auth) => (auth.scheme === 'bearer' ? API_KEY : undefined),
    'X-API-Key': (auth) => (auth.type === 'apiKey' && auth.name === 'X-API-Key' ? API_KEY : undefined),
  };
  const before = sdkDefaultClient.getConfig();
  afterEach(() => {
    sdkDefaultClient.setConfig({ baseUrl: before.baseUrl, auth: undefined });
  });

  it.each(AUTH_SCHEMES)('refuses a redirect to another origin with the key in the %s form', async (scheme) => {
    sdkDefaultClient.setConfig({ baseUrl: herald.baseUrl, auth: AUTH[scheme] });

    const { error } = await getEnvironment();

    expect(error).toBeInstanceOf(HeraldRedirectError);
    expect(elsewhere.seen).toEqual([]);
    expect(herald.seen).toHaveLength(1);
    expect(herald.seen[0].headers[SENT_AS[scheme][0]]).toBe(SENT_AS[scheme][1]);
  });
});
