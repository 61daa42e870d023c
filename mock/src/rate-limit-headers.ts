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

/** `RateLimit-Policy` and `X-RateLimit-Limit` values per policy and limit: a plan's limit is one of a few numbers. */
const limitValues: Record<RateLimitPolicyName, Map<number, { policy: string; limit: string }>> = { default: new Map(), 'failed-auth': new Map() };

function limitValue(policy: RateLimitPolicyName, limit: number): { policy: string; limit: string } {
  const cache = limitValues[policy];
  let value = cache.get(limit);
  if (value === undefined) {
    value = { policy: `"${policy}";q=${limit};w=${WINDOW_SECONDS}`, limit: String(limit) };
    if (cache.size < 1000) cache.set(limit, value);
  }
  return value;
}

// `X-RateLimit-Reset` of the requests of one second that reset together share one string.
let resetAt = -1;
let resetText = '';

function resetValue(epochSeconds: number): string {
  if (epochSeconds !== resetAt) {
    resetText = String(epochSeconds);
    resetAt = epochSeconds;
  }
  return resetText;
}

export function setRateLimitHeaders(
  reply: ApiReply,
  policy: RateLimitPolicyName,
  limit: number,
  remaining: number,
  resetSeconds: number,
  now: number,
): void {
  const values = limitValue(policy, limit);
  reply.header('ratelimit-policy', values.policy);
  reply.header('ratelimit', `"${policy}";r=${remaining};t=${resetSeconds}`);
  reply.header('x-ratelimit-limit', values.limit);
  reply.header('x-ratelimit-remaining', String(remaining));
  // `Date` (whole seconds of the same clock) plus `t`.
  reply.header('x-ratelimit-reset', resetValue(Math.floor(now / 1000) + resetSeconds));
}

export function removeRateLimitHeaders(reply: ApiReply): void {
  for (const name of RATE_LIMIT_HEADER_NAMES) reply.removeHeader(name);
}
