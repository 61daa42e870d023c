import type { ApiReply } from './api-exchange.ts';
import { WINDOW_SECONDS } from './fixed-window.ts';

// The rate-limit fields of every response after the rate-limit step (spec "Rate limits"): the
// IETF `RateLimit-Policy`/`RateLimit` pair and the `X-RateLimit-*` trio, for the `"default"`
// per-key policy or the `"failed-auth"` per-address throttle.

export type RateLimitPolicyName = 'default' | 'failed-auth';

export const RATE_LIMIT_HEADER_NAMES = [
  'ratelimit-policy',
  'ratelimit',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
] as const;

const policyCache = new Map<string, string>();

function policyValue(policy: RateLimitPolicyName, limit: number): string {
  const cacheKey = policy + limit;
  let value = policyCache.get(cacheKey);
  if (value === undefined) {
    value = `"${policy}";q=${limit};w=${WINDOW_SECONDS}`;
    if (policyCache.size < 1000) policyCache.set(cacheKey, value);
  }
  return value;
}

export function setRateLimitHeaders(
  reply: ApiReply,
  policy: RateLimitPolicyName,
  limit: number,
  remaining: number,
  resetSeconds: number,
  now: number,
): void {
  reply.header('ratelimit-policy', policyValue(policy, limit));
  reply.header('ratelimit', `"${policy}";r=${remaining};t=${resetSeconds}`);
  reply.header('x-ratelimit-limit', String(limit));
  reply.header('x-ratelimit-remaining', String(remaining));
  // `Date` (whole seconds of the same clock) plus `t`.
  reply.header('x-ratelimit-reset', String(Math.floor(now / 1000) + resetSeconds));
}

export function removeRateLimitHeaders(reply: ApiReply): void {
  for (const name of RATE_LIMIT_HEADER_NAMES) reply.removeHeader(name);
}
