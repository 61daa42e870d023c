import type { ApiReply, ApiRequest, Stamp } from './api-exchange.ts';
import type { AuthenticationFailure } from './authenticator.ts';
import { extractCredential, type CredentialForm } from './credentials.ts';
import type { PresentedKeyMemo } from './key-hashing.ts';
import { scaledLimit } from './rate-limiter.ts';
import { setRateLimitHeaders } from './rate-limit-headers.ts';
import type { ServerContext } from './server-context.ts';
import type { Operation, PlanLimits } from './spec.ts';
import type { AccountRecord, EnvironmentRecord } from './store.ts';

// The authentication pipeline of every API operation, in the order the brief fixes, run before
// a byte of the body is read:
//
//   credential extraction → failed-auth throttle → format/checksum → lookup + constant-time
//   compare → key state → per-key rate limit → account state → scope
//
// It first stamps the response with the request id and `Date`; request validation and the
// handler come after the body is parsed. On success the request carries its `principal`.

const FAILURE_DETAILS: Record<AuthenticationFailure, string> = {
  invalid_api_key:
    'The API key is not valid: check that it is complete, has the hk_live_ or hk_test_ prefix, and is sent as "Authorization: ApiKey <key>", "Authorization: Bearer <key>" or "X-API-Key: <key>".',
  expired_api_key: 'The API key has expired, or was regenerated and its grace period is over. Use the current key.',
  revoked_api_key: 'The API key was revoked and will never work again. Create a new key.',
};

/** Authenticates a request: true when it may go on, false when the refusal was sent. */
export type AuthHook = (request: ApiRequest, reply: ApiReply) => boolean;

export function createAuthHook(
  context: ServerContext,
  operation: Operation,
  stamp: Stamp,
  /** What a connection remembers of the last well-formed key presented on it (key-hashing.ts). */
  memoOf: (connection: object) => PresentedKeyMemo,
): AuthHook {
  const { problems, throttle, authenticator, limiter, store, clock } = context;
  const { challenges } = context.contract;
  const { scopesByForm } = operation;
  if (scopesByForm === null) throw new Error(`${operation.operationId} takes no API key`);

  function unauthorized(reply: ApiReply, code: AuthenticationFailure | 'missing_api_key', presented: boolean) {
    reply.header('www-authenticate', presented ? challenges.invalidToken : challenges.noKey);
    const detail = code === 'missing_api_key' ? MISSING_DETAIL : FAILURE_DETAILS[code];
    problems.send(reply, code, detail);
  }

  function failed(request: ApiRequest, reply: ApiReply, failure: AuthenticationFailure, now: number) {
    const address = request.socket.remoteAddress ?? '';
    throttle.recordFailure(address, now);
    if (throttle.check(address, now) !== null) {
      context.log.warn({ address, requestId: request.id }, 'failed-auth throttle engaged for this address');
    }
    unauthorized(reply, failure, true);
  }

  return function authenticate(request, reply) {
    // One reading of the clock for the whole pipeline, so that `Date` + `t` = `X-RateLimit-Reset`.
    const now = clock.now();
    stamp(request, reply, now);

    // 1. Exactly one credential header.
    const credential = extractCredential(request.raw.rawHeaders);
    if (credential.kind === 'none') {
      unauthorized(reply, 'missing_api_key', false);
      return false;
    }
    if (credential.kind === 'ambiguous') {
      problems.send(reply, 'ambiguous_credentials', AMBIGUOUS_DETAIL);
      return false;
    }

    // 2. An address that failed too often is refused whatever it presents.
    const address = request.socket.remoteAddress ?? '';
    const throttled = throttle.check(address, now);
    if (throttled !== null) {
      setRateLimitHeaders(reply, 'failed-auth', throttled.limit, 0, throttled.retryAfterSeconds, now);
      reply.header('retry-after', String(throttled.retryAfterSeconds));
      problems.send(reply, 'authentication_throttled', THROTTLED_DETAIL);
      return false;
    }

    // 3–5. Format and checksum, lookup and comparison, key state.
    // A header that names no accepted scheme (a null form) is refused like a form not accepted here.
    const acceptedScopes = credential.form === null ? undefined : scopesByForm.get(credential.form);
    if (acceptedScopes === undefined) {
      failed(request, reply, 'invalid_api_key', now);
      return false;
    }
    const authentication = authenticator.authenticate(credential.key, now, memoOf(request.socket));
    if (!authentication.ok) {
      failed(request, reply, authentication.failure, now);
      return false;
    }
    const { key, slot } = authentication;
    store.recordUse(key.id, now);

    // 6. The key's own rate limit; refused requests are not counted.
    const account = store.getAccount(key.accountId) as AccountRecord;
    const plan = context.contract.plans.get(account.plan) as PlanLimits;
    const rateLimit = limiter.consume(key.id, scaledLimit(plan.requestsPerMinute, context.rateLimitScale), now);
    setRateLimitHeaders(reply, 'default', rateLimit.limit, rateLimit.remaining, rateLimit.resetSeconds, now);
    if (!rateLimit.allowed) {
      reply.header('retry-after', String(rateLimit.resetSeconds));
      problems.send(
        reply,
        'rate_limit_exceeded',
        `This key made ${rateLimit.limit} requests in the current 60-second window, as many as its plan allows. Retry in ${rateLimit.resetSeconds} seconds.`,
      );
      return false;
    }

    // 7. The account must be active.
    if (!account.active) {
      problems.send(reply, 'account_inactive', INACTIVE_DETAIL);
      return false;
    }

    // 8. The scopes the operation's security requirement names for this credential form.
    const missing = missingScopes(acceptedScopes, key.scopes);
    if (missing !== null) {
      problems.send(
        reply,
        'insufficient_permissions',
        `${operation.operationId} needs the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which this key does not hold.`,
        { missing_scopes: missing },
      );
      return false;
    }

    request.principal = {
      key,
      slot,
      presentedKey: credential.key as string,
      form: credential.form as CredentialForm,
      environment: store.getEnvironment(key.environmentId) as EnvironmentRecord,
      account,
      plan,
      rateLimit,
      authenticatedAt: now,
    };
    return true;
  };
}

/** The scopes of the first alternative, minus those held; null when some alternative is met. */
function missingScopes(alternatives: readonly (readonly string[])[], held: readonly string[]): string[] | null {
  for (const required of alternatives) {
    if (required.every((scope) => held.includes(scope))) return null;
  }
  return alternatives[0].filter((scope) => !held.includes(scope));
}

const MISSING_DETAIL =
  'No API key was sent. Send it as "Authorization: ApiKey <key>", "Authorization: Bearer <key>" or "X-API-Key: <key>".';
const AMBIGUOUS_DETAIL =
  'The request carries more than one credential (both Authorization and X-API-Key, or one of them twice). Send exactly one.';
const THROTTLED_DETAIL =
  'Too many failed authentication attempts came from this address in the last minute. Every request with a credential is refused until Retry-After has passed.';
const INACTIVE_DETAIL = 'The account that owns this key is inactive: its keys authenticate but can do nothing.';
