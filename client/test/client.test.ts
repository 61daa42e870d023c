// The client sends the key in exactly the header form asked for, once, and no other credential;
// typed calls reach the method and path of the spec. A fake `fetch` is injected: nothing global
// is patched and nothing leaves the process.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTH_SCHEMES, createHeraldClient, HeraldApiError, type AuthScheme } from '../index.ts';

const spec = JSON.parse(readFileSync(new URL('../../generated/openapi.json', import.meta.url), 'utf8'));
const schemes = spec.components.securitySchemes;
const baseUrl: string = spec.servers[0].url;
// Shaped like a key (so nothing mistakes it for a missing one); not a key of any account.
const apiKey = `hk_test_${'A1b2C3d4E5'.repeat(3)}000000`;

/** What the spec says each form looks like on the wire, read from the spec itself. */
function expectedHeader(form: AuthScheme): { name: string; value: string } {
  const byForm = { ApiKey: schemes.AuthorizationApiKey, Bearer: schemes.AuthorizationBearer, 'X-API-Key': schemes.XApiKey };
  const scheme = byForm[form];
  if (scheme.type === 'http') return { name: 'authorization', value: `${scheme.scheme === 'bearer' ? 'Bearer' : scheme.scheme} ${apiKey}` };
  return { name: scheme.name.toLowerCase(), value: scheme.name === 'Authorization' ? `ApiKey ${apiKey}` : apiKey };
}

const credentialHeaderNames = [
  ...new Set(Object.values<{ type: string; name?: string }>(schemes).map((s) => (s.type === 'http' ? 'authorization' : s.name!.toLowerCase()))),
];

function recordingFetch(status = 200, body: unknown = { data: {} }) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return new Response(status === 204 ? null : JSON.stringify(body), {
      status,
      headers: status === 204 ? {} : { 'content-type': 'application/json' },
    });
  };
  return { requests, fetch };
}

describe('createHeraldClient', () => {
  it('knows exactly the three forms of the spec', () => {
    expect([...AUTH_SCHEMES].sort()).toEqual(['ApiKey', 'Bearer', 'X-API-Key']);
    expect(Object.keys(schemes).sort()).toEqual(['AuthorizationApiKey', 'AuthorizationBearer', 'XApiKey']);
  });

  describe.each(AUTH_SCHEMES)('with scheme %s', (scheme) => {
    it('sends the key in that header, once, and no other credential header', async () => {
      const { requests, fetch } = recordingFetch();
      const herald = createHeraldClient({ baseUrl, apiKey, scheme, fetch });
      await herald.GET('/ping');
      await herald.GET('/usage');

      expect(requests).toHaveLength(2);
      const expected = expectedHeader(scheme);
      for (const request of requests) {
        const sent = [...request.headers].filter(([name]) => credentialHeaderNames.includes(name));
        // Headers joins a repeated header into one "a, b" value: equality proves it is there once.
        expect(sent).toEqual([[expected.name, expected.value]]);
      }
    });
  });

  it('sends each call to the method and path of its operation', async () => {
    const { requests, fetch } = recordingFetch();
    const herald = createHeraldClient({ baseUrl, apiKey, scheme: 'Bearer', fetch });

    await herald.GET('/api-keys', { params: { query: { limit: 5 } } });
    await herald.POST('/api-keys/{key_id}/regenerate', {
      params: { path: { key_id: 'key_3xQm7RcV9pLk2NwT8sHa4YdE' }, header: { 'Idempotency-Key': 'retry-1' } },
      body: { grace_period_seconds: 60 },
    });
    await herald.DELETE('/api-keys/{key_id}', { params: { path: { key_id: 'key_3xQm7RcV9pLk2NwT8sHa4YdE' } } });

    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${baseUrl}/api-keys?limit=5`,
      `POST ${baseUrl}/api-keys/key_3xQm7RcV9pLk2NwT8sHa4YdE/regenerate`,
      `DELETE ${baseUrl}/api-keys/key_3xQm7RcV9pLk2NwT8sHa4YdE`,
    ]);
    expect(requests[1].headers.get('idempotency-key')).toBe('retry-1');
    expect(await requests[1].json()).toEqual({ grace_period_seconds: 60 });
  });

  it('returns the parsed body of a success and of a problem', async () => {
    const problem = spec.components.examples.InvalidApiKeyProblem.value;
    const ok = recordingFetch(200, spec.components.examples.PingResult.value);
    const failing = recordingFetch(401, problem);

    const good = await createHeraldClient({ baseUrl, apiKey, scheme: 'ApiKey', fetch: ok.fetch }).GET('/ping');
    const bad = await createHeraldClient({ baseUrl, apiKey, scheme: 'ApiKey', fetch: failing.fetch }).GET('/ping');

    expect(good.data).toEqual(spec.components.examples.PingResult.value);
    // A HeraldApiError that still carries every member of the problem body.
    expect(bad.error).toBeInstanceOf(HeraldApiError);
    expect(bad.error).toMatchObject(problem);
    expect(bad.error?.toJSON()).toEqual(problem);
    expect(bad.response.status).toBe(401);
  });

  it.each([
    ['headers', { headers: { 'X-API-Key': 'hk_test_other' } }, /remove the x-api-key header/i],
    ['a Headers object', { headers: new Headers({ Authorization: 'Bearer hk_test_other' }) }, /remove the authorization header/i],
    ['header pairs', { headers: [['authorization', 'ApiKey hk_test_other']] }, /remove the authorization header/i],
  ])('refuses a call that adds a credential header of its own (%s), before sending anything', async (_, init, message) => {
    const { requests, fetch } = recordingFetch();
    const herald = createHeraldClient({ baseUrl, apiKey, scheme: 'Bearer', fetch });

    const call = herald.GET('/ping', init as { headers: HeadersInit });

    await expect(call).rejects.toThrow(message);
    expect(requests).toHaveLength(0);
  });

  it('sends through openapi-fetch middleware when some is registered, and the fast way again once it is ejected', async () => {
    const { requests, fetch } = recordingFetch();
    const herald = createHeraldClient({ baseUrl, apiKey, scheme: 'X-API-Key', fetch });
    const seenByMiddleware: string[] = [];
    const middleware = {
      onRequest({ request }: { request: Request }) {
        seenByMiddleware.push(`${request.method} ${request.url} ${request.headers.get('x-api-key') === apiKey}`);
        request.headers.set('x-trace', 'on');
        return request;
      },
    };

    herald.use(middleware);
    await herald.GET('/ping');
    herald.eject(middleware);
    await herald.GET('/ping');

    expect(seenByMiddleware).toEqual([`GET ${baseUrl}/ping true`]);
    expect(requests.map((request) => [request.headers.get('x-trace'), request.headers.get('x-api-key')])).toEqual([['on', apiKey], [null, apiKey]]);
  });

  it('refuses an empty key or an unknown scheme, without echoing the key', () => {
    expect(() => createHeraldClient({ baseUrl, apiKey: undefined, scheme: 'Bearer' })).toThrow(/apiKey is empty/);
    expect(() => createHeraldClient({ baseUrl, apiKey: '', scheme: 'Bearer' })).toThrow(/apiKey is empty/);
    const unknown = () => createHeraldClient({ baseUrl, apiKey, scheme: 'Basic' as AuthScheme });
    expect(unknown).toThrow(/scheme must be one of ApiKey, Bearer, X-API-Key/);
    expect(unknown).not.toThrow(new RegExp(apiKey));
  });
});
