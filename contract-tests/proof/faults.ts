import { randomBytes } from 'node:crypto';
import { hasValidChecksum, isWellFormedKey, unknownWellFormedKey } from '../src/harness/key-material.ts';
import { Contract } from '../src/spec/contract.ts';
import { V1_1_FAULTS } from './faults-v1.1.ts';
import {
  header, json, presentedKey, problemCode, withHeader, withJson, withKey, withoutHeader,
  type Fault, type FaultContext, type ProxiedRequest, type ProxiedResponse,
} from './fault-proxy.ts';

/**
 * Deliberately broken implementations of Herald, each one fault a real implementation could
 * have, and the rule of the suite that must catch it. Together they cover every bullet of
 * "What it checks" in the suite's issue: every response, the auth matrix, the key lifecycle,
 * scopes and accounts, rate limits, quotas, idempotency and request ids (and the throttle).
 */
const contract = Contract.load();
const format = contract.keyFormat;
const names = contract.headers;
const A_REQUEST_ID = 'req_000000000000000000000000';
const INPUT_ONLY = ['--only', 'input'];

/** Changes the JSON body of matching requests before they reach the server (a server that does not validate). */
function editBody(req: ProxiedRequest, method: string, path: RegExp, change: (body: Record<string, any>) => void): undefined {
  if (req.method !== method || !path.test(req.url.split('?')[0])) return undefined;
  const body = json(req);
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  change(body);
  req.body = Buffer.from(JSON.stringify(body));
  return undefined;
}

/** The properties each body schema allows, by request (from the spec's request schemas). */
function knownProperties(req: ProxiedRequest): string[] | undefined {
  const path = req.url.split('?')[0];
  const op = contract.operations.find((o) => o.method === req.method && new RegExp(`^/v1${o.pathTemplate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  const pointer = op?.requestBody?.jsonSchemaPointer;
  if (!pointer) return undefined;
  const body = json(req);
  const names = new Set<string>();
  const collect = (node: unknown) => {
    const schema = contract.spec.deref<Record<string, any>>(node);
    for (const name of Object.keys(schema.properties ?? {})) names.add(name);
    for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? [])]) {
      const branch = contract.spec.deref<Record<string, any>>(part);
      const channel = branch.properties?.channel?.const;
      if (channel === undefined || channel === body?.channel) collect(part);
    }
  };
  collect(contract.spec.pointer(pointer));
  return [...names];
}

/** A 500 as the spec documents it (internal_error), with a fresh request id. */
function internalError(): ProxiedResponse {
  const problem = contract.problem('internal_error');
  const requestId = `req_${randomBytes(18).toString('base64').replace(/[^0-9A-Za-z]/g, '').padEnd(24, '0').slice(0, 24)}`;
  return {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', [names.requestId.toLowerCase()]: requestId },
    body: Buffer.from(JSON.stringify({ type: problem.type, title: problem.title, status: problem.status, detail: 'Something went wrong.', code: problem.code, request_id: requestId })),
  };
}

/** Serves a request as if it had presented the main key (HERALD_API_KEY). */
function servedAsRoot(req: ProxiedRequest, ctx: FaultContext): Promise<ProxiedResponse> {
  return ctx.forward(withKey(req, ctx.keys.HERALD_API_KEY));
}

/** State a fault keeps under `name` in the proxy's memory, created on first use. */
function remembered<T>(ctx: Pick<FaultContext, 'memory'>, name: string, create: () => T): T {
  if (!ctx.memory.has(name)) ctx.memory.set(name, create());
  return ctx.memory.get(name) as T;
}

function retitle(response: ProxiedResponse, change: (body: Record<string, any>) => void): ProxiedResponse {
  const body = json(response);
  if (!body) return response;
  change(body);
  return withJson(response, body);
}

/** Every secret the server issued, by key id (from create and regenerate responses). */
function issuedSecrets(ctx: Pick<FaultContext, 'memory'>): Map<string, string> {
  return remembered(ctx, 'secrets', () => new Map<string, string>());
}

function rememberSecrets(response: ProxiedResponse, ctx: Pick<FaultContext, 'memory'>): void {
  const data = response.status < 300 ? json(response)?.data : undefined;
  if (data?.id && data?.secret) issuedSecrets(ctx).set(data.id, data.secret);
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
    onResponse: (res) => (res.status >= 400 ? withoutHeader(res, names.requestId) : undefined),
  },
  {
    name: 'limit-header-not-a-number',
    breaks: 'X-RateLimit-Limit says "unlimited"',
    caughtBy: ['responses.header-schema'],
    onResponse: (res) => (header(res, names.rateLimitLimit) ? withHeader(res, names.rateLimitLimit, 'unlimited') : undefined),
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
        return servedAsRoot(req, ctx);
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
    onResponse: (res) => (res.status === 401 ? withoutHeader(res, names.wwwAuthenticate) : undefined),
  },
  {
    name: 'challenge-without-invalid-token',
    breaks: 'a rejected key is challenged as if none had been sent (no error="invalid_token")',
    caughtBy: ['auth.www-authenticate'],
    onResponse: (res) => {
      const challenge = header(res, names.wwwAuthenticate);
      return res.status === 401 && challenge ? withHeader(res, names.wwwAuthenticate, challenge.replace(/, error="invalid_token"/g, '')) : undefined;
    },
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
      return key && format.pattern.test(key) && !hasValidChecksum(key) ? servedAsRoot(req, ctx) : undefined;
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
      if (key === undefined || isWellFormedKey(key, format)) return undefined;
      await ctx.forward(withKey({ method: 'GET', url: '/v1/ping', headers: {}, body: Buffer.alloc(0) }, unknownWellFormedKey(format)));
      return undefined;
    },
  },
  {
    name: 'wrong-code-for-invalid-key',
    breaks: 'an invalid key is reported as missing_api_key',
    caughtBy: ['auth.malformed-key', 'auth.unknown-key'],
    onResponse: (res) => (problemCode(res) === 'invalid_api_key' ? retitle(res, (b) => {
      const missing = contract.problem('missing_api_key');
      b.code = missing.code;
      b.type = missing.type;
      b.title = missing.title;
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
    // Replaced secret → the secret that replaced it.
    onRequest: (req, ctx) => {
      const replaced = remembered(ctx, 'replaced', () => new Map<string, string>());
      const key = presentedKey(req);
      if (key && replaced.has(key)) return ctx.forward(withKey(req, replaced.get(key)!));
      return undefined;
    },
    onResponse: (res, req, ctx) => {
      const secrets = issuedSecrets(ctx);
      const regenerated = /\/api-keys\/(key_[0-9A-Za-z]+)\/regenerate$/.exec(req.url.split('?')[0]);
      const data = res.status === 200 ? json(res)?.data : undefined;
      if (regenerated && data?.secret && secrets.has(regenerated[1])) {
        remembered(ctx, 'replaced', () => new Map<string, string>()).set(secrets.get(regenerated[1])!, data.secret);
      }
      rememberSecrets(res, ctx);
    },
  },
  {
    name: 'leaks-secret-in-list',
    breaks: 'the key list shows each key\'s full secret',
    caughtBy: ['secrets.shown-once', 'lifecycle.prefix'],
    onResponse: (res, req, ctx) => {
      rememberSecrets(res, ctx);
      if (req.method !== 'GET' || !req.url.startsWith('/v1/api-keys?') || res.status !== 200) return undefined;
      const secrets = issuedSecrets(ctx);
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
      if (problemCode(res) === 'revoked_api_key' && cached) return servedAsRoot(req, ctx);
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
      ? servedAsRoot(req, ctx) : undefined),
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
    onResponse: (res, req, ctx) => (problemCode(res) === 'insufficient_permissions' ? servedAsRoot(req, ctx) : undefined),
  },
  {
    name: 'inactive-account-served',
    breaks: 'keys of inactive accounts are served',
    caughtBy: ['accounts.inactive'],
    onResponse: (res, req, ctx) => (problemCode(res) === 'account_inactive' ? servedAsRoot(req, ctx) : undefined),
  },

  // --- Rate limits ------------------------------------------------------------------------
  {
    name: 'never-429',
    breaks: 'the rate limit is never enforced',
    caughtBy: ['rate-limit.burst-429'],
    // Served as the main key would have been served (that key has its own budget left).
    onResponse: (res, req, ctx) => (problemCode(res) === 'rate_limit_exceeded' ? servedAsRoot(req, ctx) : undefined),
  },
  {
    name: '429-without-retry-after',
    breaks: 'rate-limit refusals carry no Retry-After',
    caughtBy: ['rate-limit.burst-429'],
    onResponse: (res) => (res.status === 429 ? withoutHeader(res, names.retryAfter) : undefined),
  },
  {
    name: 'remaining-never-falls',
    breaks: 'the remaining count is stuck at the limit minus one',
    caughtBy: ['rate-limit.remaining-decrements'],
    onResponse: (res) => {
      const limit = Number(header(res, names.rateLimitLimit));
      const state = header(res, names.rateLimit);
      if (!Number.isInteger(limit) || !state || res.status === 429) return undefined;
      return withHeader(withHeader(res, names.rateLimitRemaining, String(limit - 1)), names.rateLimit, state.replace(/r=\d+/, `r=${limit - 1}`));
    },
  },
  {
    name: 'reset-disagrees-with-ratelimit',
    breaks: 'X-RateLimit-Reset is an hour off what RateLimit says',
    caughtBy: ['rate-limit.headers-consistent'],
    onResponse: (res) => {
      const reset = header(res, names.rateLimitReset);
      return reset ? withHeader(res, names.rateLimitReset, String(Number(reset) + 3600)) : undefined;
    },
  },

  // --- Quotas -----------------------------------------------------------------------------
  {
    name: 'quota-not-enforced',
    breaks: 'notifications past the monthly quota are accepted',
    caughtBy: ['quotas.exceeded'],
    onResponse: (res, req, ctx) => (problemCode(res) === 'quota_exceeded' ? servedAsRoot(req, ctx) : undefined),
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
    onRequest: (req) => { delete req.headers[contract.idempotencyKeyHeader!.toLowerCase()]; },
  },
  {
    name: 'replay-not-marked',
    breaks: 'replays do not say Idempotent-Replayed: true',
    caughtBy: ['idempotency.replay'],
    onResponse: (res) => (header(res, names.idempotentReplayed) ? withoutHeader(res, names.idempotentReplayed) : undefined),
  },

  // --- Request ids ------------------------------------------------------------------------
  {
    name: 'constant-request-id',
    breaks: 'every response carries the same request id',
    caughtBy: ['request-id.distinct'],
    onResponse: (res) => {
      const changed = withHeader(res, names.requestId, A_REQUEST_ID);
      return res.status >= 400 ? retitle(changed, (b) => { b.request_id = A_REQUEST_ID; }) : changed;
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
      const requestId = header(res, names.requestId) ?? A_REQUEST_ID;
      const invalid = contract.problem('invalid_api_key');
      return {
        status: invalid.status,
        headers: {
          'content-type': 'application/problem+json; charset=utf-8',
          [names.requestId.toLowerCase()]: requestId,
          [names.wwwAuthenticate.toLowerCase()]: 'ApiKey realm="herald", error="invalid_token", Bearer realm="herald", error="invalid_token"',
        },
        body: Buffer.from(JSON.stringify({
          type: invalid.type, title: invalid.title, status: invalid.status,
          detail: 'The key is not valid.', code: invalid.code, request_id: requestId,
        })),
      };
    },
  },

  // --- Input handling (issue 13): each target accepts input the schemas refuse, or fails on
  // input they allow; the suite runs only its input rules against them (--only input). ----------
  {
    name: 'accepts-overlong-name',
    breaks: 'a key name longer than its maxLength is cut to fit and accepted instead of refused',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => editBody(req, 'POST', /^\/v1\/api-keys$/, (b) => {
      if (typeof b.name === 'string' && [...b.name].length > 100) b.name = [...b.name].slice(0, 100).join('');
    }),
  },
  {
    name: 'subject-control-characters-accepted',
    breaks: 'control characters (line breaks: mail header injection) in an email subject are stripped and the email sent',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => editBody(req, 'POST', /^\/v1\/notifications$/, (b) => {
      if (typeof b.subject === 'string' && /[\x00-\x1f\x7f]/.test(b.subject)) b.subject = b.subject.replace(/[\x00-\x1f\x7f]/g, '') || 'subject';
    }),
  },
  {
    name: 'email-address-not-validated',
    breaks: 'the recipient of an email is never checked: a malformed address (or none that is a string) is sent anyway',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => editBody(req, 'POST', /^\/v1\/notifications$/, (b) => {
      if (b.channel === 'email' && 'to' in b) b.to = 'ada@example.com';
    }),
  },
  {
    name: 'accepts-overlong-text',
    breaks: 'an email text longer than its maxLength is cut to fit and sent',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => editBody(req, 'POST', /^\/v1\/notifications$/, (b) => {
      if (typeof b.text === 'string' && [...b.text].length > 10_000) b.text = [...b.text].slice(0, 10_000).join('');
    }),
  },
  {
    name: 'server-error-on-astral-characters',
    breaks: 'a body holding a character outside the Basic Multilingual Plane (an emoji) fails with a 500',
    caughtBy: ['input.valid-accepted'],
    args: INPUT_ONLY,
    onRequest: (req) => (req.body.length > 0 && /[\u{10000}-\u{10FFFF}]/u.test(req.body.toString('utf8')) ? internalError() : undefined),
  },
  {
    name: 'name-length-counted-in-utf16',
    breaks: "a key name's length is counted in UTF-16 units, not characters: 100 emoji are refused as too long",
    caughtBy: ['input.valid-accepted'],
    args: INPUT_ONLY,
    // Answered with the server's own validation_failed, for a name it would find too long.
    onRequest: (req) => editBody(req, 'POST', /^\/v1\/api-keys$/, (b) => {
      if (typeof b.name === 'string' && b.name.length > 100 && [...b.name].length <= 100) b.name = 'x'.repeat(101);
    }),
  },
  {
    name: 'limit-maximum-off-by-one',
    breaks: 'limit=100, the documented maximum, is refused as out of range (the bound is treated as exclusive)',
    caughtBy: ['input.valid-accepted'],
    args: INPUT_ONLY,
    onRequest: (req) => {
      const url = new URL(req.url, 'http://proxy');
      if (req.method === 'GET' && url.pathname === '/v1/api-keys' && url.searchParams.get('limit') === '100') {
        url.searchParams.set('limit', '101');
        req.url = `${url.pathname}${url.search}`;
      }
    },
  },
  {
    name: 'ignores-unknown-properties',
    breaks: 'properties a body schema does not allow (additionalProperties: false) are dropped silently instead of refused',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => {
      const allowed = knownProperties(req);
      if (!allowed) return undefined;
      return editBody(req, 'POST', /^\/v1\//, (b) => {
        for (const name of Object.keys(b)) if (!allowed.includes(name)) delete b[name];
      });
    },
  },
  {
    name: 'duplicate-scopes-accepted',
    breaks: 'a scope list with a scope twice (uniqueItems) is de-duplicated and accepted',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => editBody(req, 'POST', /^\/v1\/api-keys$/, (b) => {
      if (Array.isArray(b.scopes)) b.scopes = [...new Set(b.scopes.map((x: unknown) => JSON.stringify(x)))].map((x) => JSON.parse(x as string));
    }),
  },
  {
    name: 'grace-period-clamped',
    breaks: 'a grace period above its maximum (86400 s) is clamped to it instead of refused',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => editBody(req, 'POST', /\/regenerate$/, (b) => {
      if (typeof b.grace_period_seconds === 'number' && b.grace_period_seconds > 86_400) b.grace_period_seconds = 86_400;
    }),
  },
  {
    name: 'webhook-url-scheme-not-checked',
    breaks: 'a webhook URL that is not https:// (its pattern) is accepted, and delivered over https anyway',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => editBody(req, 'POST', /^\/v1\/notifications$/, (b) => {
      if (b.channel === 'webhook' && typeof b.url === 'string' && !b.url.startsWith('https://')) b.url = 'https://hooks.example.com/herald';
    }),
  },
  {
    name: 'expiry-format-not-checked',
    breaks: 'an expires_at that is not an RFC 3339 date-time is read as "in an hour" instead of refused',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => editBody(req, 'POST', /^\/v1\/api-keys$/, (b) => {
      if ('expires_at' in b && (typeof b.expires_at !== 'string' || !/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(b.expires_at) || Number.isNaN(Date.parse(b.expires_at)))) {
        b.expires_at = new Date(Date.now() + 3_600_000).toISOString();
      }
    }),
  },
  {
    name: 'server-error-on-malformed-id',
    breaks: 'a key id that is not of the KeyId form makes the server fail with a 500 instead of a 400',
    caughtBy: ['input.invalid-refused'],
    args: INPUT_ONLY,
    onRequest: (req) => {
      const id = /^\/v1\/api-keys\/([^/?]+)/.exec(req.url)?.[1];
      return id !== undefined && !/^key_[0-9A-Za-z]{24}$/.test(decodeURIComponent(id)) ? internalError() : undefined;
    },
  },
  ...V1_1_FAULTS,
];

/** What the revoked-key-served-under-load fault keeps between requests. */
function faultState(ctx: Pick<FaultContext, 'memory'>) {
  return remembered(ctx, 'under-load', () => ({ inFlight: new Map<string, number>(), concurrent: new Set<string>(), answersSinceSuccess: new Map<string, number>() }));
}
