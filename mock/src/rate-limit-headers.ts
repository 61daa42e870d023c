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

/** `RateLimit-Policy` values per policy and limit: a plan's limit is one of a few numbers. */
const policyValues: Record<RateLimitPolicyName, Map<number, string>> = { default: new Map(), 'failed-auth': new Map() };

function policyValue(policy: RateLimitPolicyName, limit: number): string {
  const cache = policyValues[policy];
  let value = cache.get(limit);
  if (value === undefined) {
    value = `"${policy}";q=${limit};w=${WINDOW_SECONDS}`;
    if (cache.size < 1000) cache.set(limit, value);
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
