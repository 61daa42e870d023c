import { randomInt } from 'node:crypto';
import { withChecksum } from '../src/harness/key-material.ts';
import { header, json, presentedKey, problemCode, withJson, withKey, type Fault, type ProxiedResponse } from './fault-proxy.ts';

/**
 * Deliberately broken implementations of Herald, each one fault a real implementation could
 * have, and the rule of the suite that must catch it. Together they cover every bullet of
 * "What it checks" in the suite's issue: every response, the auth matrix, the key lifecycle,
 * scopes and accounts, rate limits, quotas, idempotency and request ids (and the throttle).
 */
const root = (ctx: { keys: Record<string, string> }) => ctx.keys.HERALD_API_KEY;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function retitle(response: ProxiedResponse, change: (body: Record<string, any>) => void): ProxiedResponse {
  const body = json(response);
  if (!body) return response;
  change(body);
  return withJson(response, body);
}

/** Remembers every secret the server issued, by key id (from create and regenerate responses). */
function rememberSecrets(response: ProxiedResponse, memory: Map<string, unknown>): void {
  const data = response.status < 300 ? json(response)?.data : undefined;
  if (data?.id && data?.secret) {
    const secrets = (memory.get('secrets') as Map<string, string>) ?? new Map<string, string>();
    secrets.set(data.id, data.secret);
    memory.set('secrets', secrets);
  }
}

export const FAULTS: Fault[] = [
  // --- Every response ---------------------------------------------------------------------
  {
    name: 'server-error-on-list',
    breaks: 'listing keys fails with a 500',
    caughtBy: ['responses.no-server-error'],
    onResponse: (res, req) => (req.method === 'GET' && req.url.startsWith('/v1/api-keys?') ? retitle({ ...res, status: 500 }, (b) => { b.status = 500; }) : undefined),
  },
  {
    name: 'revoke-answers-200',
    breaks: 'revoke answers 200 with a body instead of the documented 204',
    caughtBy: ['responses.documented-status'],
    onResponse: (res, req) => (req.method === 'DELETE' && res.status === 204
      ? { ...res, status: 200, headers: { ...res.headers, 'content-type': 'application/json' }, body: Buffer.from('{"revoked":true}') } : undefined),
  },
  {
    name: 'json-instead-of-problem-json',
    breaks: 'errors are served as application/json instead of application/problem+json',
    caughtBy: ['responses.content-type'],
    onResponse: (res) => (res.status >= 400 ? { ...res, headers: { ...res.headers, 'content-type': 'application/json; charset=utf-8' } } : undefined),
  },
  {
    name: 'drops-request-id-on-errors',
    breaks: 'error responses carry no X-Request-Id',
    caughtBy: ['responses.required-headers', 'request-id.present'],
    onResponse: (res) => {
      if (res.status < 400) return undefined;
      const headers = { ...res.headers };
      delete headers['x-request-id'];
      return { ...res, headers };
    },
  },
  {
    name: 'limit-header-not-a-number',
    breaks: 'X-RateLimit-Limit says "unlimited"',
    caughtBy: ['responses.header-schema'],
    onResponse: (res) => (res.headers['x-ratelimit-limit'] ? { ...res, headers: { ...res.headers, 'x-ratelimit-limit': 'unlimited' } } : undefined),
  },
  {
    name: 'problem-without-request-id',
    breaks: 'problem bodies lack their request_id',
    caughtBy: ['responses.body-schema'],
    onResponse: (res) => (res.status >= 400 ? retitle(res, (b) => { delete b.request_id; }) : undefined),
  },
  {
    name: 'wrong-problem-type',
    breaks: 'problem `type` URIs point at the wrong documentation',
    caughtBy: ['errors.problem-details'],
    onResponse: (res) => (res.status >= 400 ? retitle(res, (b) => { b.type = 'https://example.com/problems/oops'; }) : undefined),
  },

  // --- Auth matrix ------------------------------------------------------------------------
  {
    name: 'accepts-missing-key',
    breaks: 'a request without a credential is served as if it carried the main key',
    caughtBy: ['auth.missing-key'],
    onRequest: (req, ctx) => {
      if (header(req, 'authorization') === undefined && header(req, 'x-api-key') === undefined && req.url.startsWith('/v1/')) {
        req.headers.authorization = `ApiKey ${root(ctx)}`;
      }
    },
  },
  {
    name: '403-instead-of-401',
    breaks: 'a missing key answers 403',
    caughtBy: ['auth.missing-key'],
    onResponse: (res) => (problemCode(res) === 'missing_api_key' ? retitle({ ...res, status: 403 }, (b) => { b.status = 403; }) : undefined),
  },
  {
    name: 'drops-www-authenticate',
    breaks: '401 responses carry no WWW-Authenticate',
    caughtBy: ['auth.www-authenticate'],
    onResponse: (res) => {
      if (res.status !== 401) return undefined;
      const headers = { ...res.headers };
      delete headers['www-authenticate'];
      return { ...res, headers };
    },
  },
  {
    name: 'challenge-without-invalid-token',
    breaks: 'a rejected key is challenged as if none had been sent (no error="invalid_token")',
    caughtBy: ['auth.www-authenticate'],
    onResponse: (res) => (res.status === 401 && res.headers['www-authenticate']
      ? { ...res, headers: { ...res.headers, 'www-authenticate': String(res.headers['www-authenticate']).replace(/, error="invalid_token"/g, '') } } : undefined),
  },
  {
    name: 'rejects-lowercase-bearer',
    breaks: 'the scheme name is matched case-sensitively: `bearer <key>` is refused',
    caughtBy: ['auth.scheme-case-insensitive'],
    onRequest: (req) => {
      const value = header(req, 'authorization');
      if (value?.startsWith('bearer ')) req.headers.authorization = 'Bearer not-a-key';
    },
  },
  {
    name: 'ignores-x-api-key',
    breaks: 'the X-API-Key header is not read',
    caughtBy: ['auth.header-forms'],
    onRequest: (req) => {
      if (header(req, 'authorization') === undefined) delete req.headers['x-api-key'];
    },
  },
  {
    name: 'skips-checksum',
    breaks: 'a key with a wrong checksum is looked up (and accepted) as if it were right',
    caughtBy: ['auth.malformed-key'],
    onRequest: (req, ctx) => {
      const key = presentedKey(req);
      if (!key || key.length !== 44 || !/^hk_(live|test)_[0-9A-Za-z]{36}$/.test(key)) return undefined;
      if (withChecksum(key.slice(0, 38)) !== key) return withKeyResponse(req, ctx);
      return undefined;
    },
  },
  {
    name: 'malformed-key-looked-up',
    breaks: 'a malformed key is looked up in the store before its format is checked (refused all the same, but every mistyped key or guess costs a lookup)',
    caughtBy: ['auth.malformed-key-no-lookup'],
    // The answer is the healthy server's; the side effect is the fault. The proxy stands for a
    // server whose lookup comes first: for each presented key that is not well-formed it makes
    // the server look one up, by presenting a well-formed key that belongs to no one.
    onRequest: async (req, ctx) => {
      const key = presentedKey(req);
      if (key === undefined || (/^hk_(live|test)_[0-9A-Za-z]{36}$/.test(key) && withChecksum(key.slice(0, 38)) === key)) return undefined;
      const body = Array.from({ length: 30 }, () => BASE62[randomInt(62)]).join('');
      await ctx.forward({ method: 'GET', url: '/v1/ping', headers: { authorization: `ApiKey ${withChecksum(`hk_test_${body}`)}` }, body: Buffer.alloc(0) });
      return undefined;
    },
  },
  {
    name: 'wrong-code-for-invalid-key',
    breaks: 'an invalid key is reported as missing_api_key',
    caughtBy: ['auth.malformed-key', 'auth.unknown-key'],
    onResponse: (res) => (problemCode(res) === 'invalid_api_key' ? retitle(res, (b) => {
      b.code = 'missing_api_key';
      b.type = 'https://docs.herald.example/problems/missing-api-key';
      b.title = 'Missing API key';
    }) : undefined),
  },
  {
    name: 'echoes-key-in-error',
    breaks: 'error details quote the key that was presented',
    caughtBy: ['secrets.no-echo'],
    onResponse: (res, req) => {
      const key = presentedKey(req);
      return res.status === 401 && key ? retitle(res, (b) => { b.detail = `The key ${key} is not valid.`; }) : undefined;
    },
  },
  {
    name: 'accepts-two-credentials',
    breaks: 'with both Authorization and X-API-Key, X-API-Key is silently ignored',
    caughtBy: ['auth.ambiguous-credentials'],
    onRequest: (req) => {
      if (header(req, 'authorization') !== undefined) delete req.headers['x-api-key'];
      if (Array.isArray(req.headers.authorization)) req.headers.authorization = req.headers.authorization[0];
      if (Array.isArray(req.headers['x-api-key'])) req.headers['x-api-key'] = req.headers['x-api-key'][0];
    },
  },

  // --- Key lifecycle ----------------------------------------------------------------------
  {
    name: 'old-key-alive-after-regenerate',
    breaks: 'the replaced secret keeps working after regenerate',
    caughtBy: ['lifecycle.regenerate-old-key-refused'],
    onRequest: (req, ctx) => {
      const replaced = ctx.memory.get('replaced') as Map<string, string> | undefined;
      const key = presentedKey(req);
      if (key && replaced?.has(key)) return ctx.forward(withKey(req, replaced.get(key)!));
      return undefined;
    },
    onResponse: (res, req, ctx) => {
      const secrets = (ctx.memory.get('secrets') as Map<string, string>) ?? new Map<string, string>();
      const regenerated = /\/api-keys\/(key_[0-9A-Za-z]+)\/regenerate$/.exec(req.url.split('?')[0]);
      const data = res.status === 200 ? json(res)?.data : undefined;
      if (regenerated && data?.secret && secrets.has(regenerated[1])) {
        const replaced = (ctx.memory.get('replaced') as Map<string, string>) ?? new Map<string, string>();
        replaced.set(secrets.get(regenerated[1])!, data.secret);
        ctx.memory.set('replaced', replaced);
      }
      rememberSecrets(res, ctx.memory);
    },
  },
  {
    name: 'leaks-secret-in-list',
    breaks: 'the key list shows each key\'s full secret',
    caughtBy: ['secrets.shown-once', 'lifecycle.prefix'],
    onResponse: (res, req, ctx) => {
      rememberSecrets(res, ctx.memory);
      if (req.method !== 'GET' || !req.url.startsWith('/v1/api-keys?') || res.status !== 200) return undefined;
      const secrets = (ctx.memory.get('secrets') as Map<string, string>) ?? new Map<string, string>();
      return retitle(res, (b) => {
        for (const item of b.data ?? []) if (secrets.has(item.id)) item.secret = secrets.get(item.id);
      });
    },
  },
  {
    name: 'revoke-does-nothing',
    breaks: 'revoke answers 204 but the key keeps working',
    caughtBy: ['lifecycle.revoke'],
    onRequest: (req, ctx) => {
      if (req.method !== 'DELETE') return undefined;
      const noContent = ctx.memory.get('template') as ProxiedResponse | undefined;
      return noContent ? { ...noContent, headers: { ...noContent.headers } } : undefined;
    },
    onResponse: (res, req, ctx) => {
      // Keep the first real 204 as the answer every later revoke gets.
      if (req.method === 'DELETE' && res.status === 204) ctx.memory.set('template', res);
    },
  },
  {
    name: 'revoked-key-served-under-load',
    breaks: 'under concurrent use a key stays accepted for a moment after its revoke (a shared, cached authentication)',
    caughtBy: ['lifecycle.revoke-under-load'],
    // A key that has been in concurrent use (two of its requests in flight at once) has a
    // shared, cached authentication: for the next 100 answers after it last succeeded, a revoked
    // key is served anyway (as the main key would be). A key used one request at a time never
    // sees it. Counted in answers, not seconds, and "in concurrent use" is remembered rather
    // than required of the refused request itself: how much requests overlap, and how long a
    // revoke takes, depend on how busy the machine is (the proof runs five suites at once), and
    // a fault that fires by luck proves nothing (a one-second window on overlapping requests
    // vanished under load).
    onRequest: (req, ctx) => {
      const key = presentedKey(req);
      if (!key) return;
      const { inFlight, concurrent } = faultState(ctx);
      const already = inFlight.get(key) ?? 0;
      if (already >= 1) concurrent.add(key);
      inFlight.set(key, already + 1);
    },
    onResponse: (res, req, ctx) => {
      const key = presentedKey(req);
      if (!key) return undefined;
      const { inFlight, concurrent, answersSinceSuccess } = faultState(ctx);
      inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
      if (res.status < 300) {
        answersSinceSuccess.set(key, 0);
        return undefined;
      }
      const since = answersSinceSuccess.get(key);
      if (since !== undefined) answersSinceSuccess.set(key, since + 1);
      const cached = concurrent.has(key) && since !== undefined && since < 100;
      if (problemCode(res) === 'revoked_api_key' && cached) return ctx.forward(withKey(req, root(ctx)));
      return undefined;
    },
  },
  {
    name: 'grace-period-ignored',
    breaks: 'regenerate ignores grace_period_seconds: the old secret dies at once',
    caughtBy: ['lifecycle.regenerate-grace-period'],
    onRequest: (req) => {
      if (req.method === 'POST' && req.url.endsWith('/regenerate') && req.body.length > 0) {
        const body = json(req);
        if (body && 'grace_period_seconds' in body) {
          delete body.grace_period_seconds;
          req.body = Buffer.from(JSON.stringify(body));
        }
      }
    },
  },
  {
    name: 'environments-not-isolated',
    breaks: 'a key of another environment can read this environment\'s keys',
    caughtBy: ['isolation.environments'],
    onRequest: (req, ctx) => (req.method === 'GET' && /^\/v1\/api-keys\/key_/.test(req.url) && presentedKey(req) === ctx.keys.HERALD_OTHER_ENV_API_KEY
      ? ctx.forward(withKey(req, root(ctx))) : undefined),
  },
  {
    name: 'expired-listed-as-active',
    breaks: 'expired keys are listed as active',
    caughtBy: ['lifecycle.expiry'],
    onResponse: (res, req) => (req.method === 'GET' && req.url.startsWith('/v1/api-keys') && res.status === 200
      ? retitle(res, (b) => {
        for (const item of Array.isArray(b.data) ? b.data : [b.data]) if (item?.status === 'expired') item.status = 'active';
      }) : undefined),
  },

  // --- Scopes and accounts ----------------------------------------------------------------
  {
    name: 'ignores-scopes',
    breaks: 'scopes are not enforced: a key without the scope is served anyway',
    caughtBy: ['scopes.missing-scope'],
    onResponse: (res, req, ctx) => (problemCode(res) === 'insufficient_permissions' ? ctx.forward(withKey(req, root(ctx))) : undefined),
  },
  {
    name: 'inactive-account-served',
    breaks: 'keys of inactive accounts are served',
    caughtBy: ['accounts.inactive'],
    onResponse: (res, req, ctx) => (problemCode(res) === 'account_inactive' ? ctx.forward(withKey(req, root(ctx))) : undefined),
  },

  // --- Rate limits ------------------------------------------------------------------------
  {
    name: 'never-429',
    breaks: 'the rate limit is never enforced',
    caughtBy: ['rate-limit.burst-429'],
    onResponse: async (res, req, ctx) => {
      if (problemCode(res) !== 'rate_limit_exceeded') return undefined;
      // Serve it as the main key would have been served (that key has its own budget left).
      return ctx.forward(withKey(req, root(ctx)));
    },
  },
  {
    name: '429-without-retry-after',
    breaks: 'rate-limit refusals carry no Retry-After',
    caughtBy: ['rate-limit.burst-429'],
    onResponse: (res) => {
      if (res.status !== 429) return undefined;
      const headers = { ...res.headers };
      delete headers['retry-after'];
      return { ...res, headers };
    },
  },
  {
    name: 'remaining-never-falls',
    breaks: 'the remaining count is stuck at the limit minus one',
    caughtBy: ['rate-limit.remaining-decrements'],
    onResponse: (res) => {
      const limit = Number(res.headers['x-ratelimit-limit']);
      if (!Number.isInteger(limit) || !res.headers.ratelimit || res.status === 429) return undefined;
      return { ...res, headers: { ...res.headers, 'x-ratelimit-remaining': String(limit - 1), ratelimit: String(res.headers.ratelimit).replace(/r=\d+/, `r=${limit - 1}`) } };
    },
  },
  {
    name: 'reset-disagrees-with-ratelimit',
    breaks: 'X-RateLimit-Reset is an hour off what RateLimit says',
    caughtBy: ['rate-limit.headers-consistent'],
    onResponse: (res) => (res.headers['x-ratelimit-reset'] ? { ...res, headers: { ...res.headers, 'x-ratelimit-reset': String(Number(res.headers['x-ratelimit-reset']) + 3600) } } : undefined),
  },

  // --- Quotas -----------------------------------------------------------------------------
  {
    name: 'quota-not-enforced',
    breaks: 'notifications past the monthly quota are accepted',
    caughtBy: ['quotas.exceeded'],
    onResponse: (res, req, ctx) => (problemCode(res) === 'quota_exceeded' ? ctx.forward(withKey(req, root(ctx))) : undefined),
  },
  {
    name: 'uncounted-channel-counted',
    breaks: 'emails are reported as counted toward the quota on plans where they are unlimited',
    caughtBy: ['quotas.uncounted-channels'],
    onResponse: (res, req) => (req.method === 'POST' && req.url.startsWith('/v1/notifications') && res.status === 202
      ? retitle(res, (b) => { if (b.data?.channel === 'email') b.data.counted_toward_quota = true; }) : undefined),
  },

  // --- Idempotency ------------------------------------------------------------------------
  {
    name: 'ignores-idempotency-key',
    breaks: 'Idempotency-Key is ignored: a retry runs again',
    caughtBy: ['idempotency.replay'],
    onRequest: (req) => { delete req.headers['idempotency-key']; },
  },
  {
    name: 'replay-not-marked',
    breaks: 'replays do not say Idempotent-Replayed: true',
    caughtBy: ['idempotency.replay'],
    onResponse: (res) => {
      if (!res.headers['idempotent-replayed']) return undefined;
      const headers = { ...res.headers };
      delete headers['idempotent-replayed'];
      return { ...res, headers };
    },
  },

  // --- Request ids ------------------------------------------------------------------------
  {
    name: 'constant-request-id',
    breaks: 'every response carries the same request id',
    caughtBy: ['request-id.distinct'],
    onResponse: (res) => {
      const id = 'req_000000000000000000000000';
      const changed = { ...res, headers: { ...res.headers, 'x-request-id': id } };
      return res.status >= 400 ? retitle(changed, (b) => { b.request_id = id; }) : changed;
    },
  },

  // --- Request errors and brute force -------------------------------------------------------
  {
    name: 'accepts-any-content-type',
    breaks: 'a body sent as text/plain is parsed as JSON anyway',
    caughtBy: ['errors.unsupported-media-type'],
    onRequest: (req) => {
      if (header(req, 'content-type')?.startsWith('text/plain')) req.headers['content-type'] = 'application/json';
    },
  },
  {
    name: 'no-failed-auth-throttle',
    breaks: 'failed authentications are never throttled: the throttle answers like any wrong key',
    caughtBy: ['throttle.failed-auth'],
    onResponse: (res) => {
      if (problemCode(res) !== 'authentication_throttled') return undefined;
      const requestId = header(res, 'x-request-id') ?? 'req_000000000000000000000000';
      return {
        status: 401,
        headers: {
          'content-type': 'application/problem+json; charset=utf-8',
          'x-request-id': requestId,
          'www-authenticate': 'ApiKey realm="herald", error="invalid_token", Bearer realm="herald", error="invalid_token"',
        },
        body: Buffer.from(JSON.stringify({
          type: 'https://docs.herald.example/problems/invalid-api-key', title: 'Invalid API key', status: 401,
          detail: 'The key is not valid.', code: 'invalid_api_key', request_id: requestId,
        })),
      };
    },
  },
];

/** Serves a request as if it had presented the main key. */
function withKeyResponse(req: Parameters<typeof withKey>[0], ctx: { keys: Record<string, string>; forward: (r: Parameters<typeof withKey>[0]) => Promise<ProxiedResponse> }): Promise<ProxiedResponse> {
  return ctx.forward(withKey(req, root(ctx)));
}

/** What the revoked-key-served-under-load fault keeps between requests. */
function faultState(ctx: { memory: Map<string, unknown> }) {
  let state = ctx.memory.get('under-load') as { inFlight: Map<string, number>; concurrent: Set<string>; answersSinceSuccess: Map<string, number> } | undefined;
  if (!state) {
    state = { inFlight: new Map(), concurrent: new Set(), answersSinceSuccess: new Map() };
    ctx.memory.set('under-load', state);
  }
  return state;
}
