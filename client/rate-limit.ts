// The rate-limit state a response reports, read from either header family the spec documents:
// the IETF fields (`RateLimit-Policy: "default";q=200;w=60`, `RateLimit: "default";r=199;t=60`)
// or the `X-RateLimit-Limit` / `-Remaining` / `-Reset` trio (reset in Unix epoch seconds). The
// header names are the spec's (generated/contract-facts.ts); the field syntax is the IETF draft's.
import { responseHeaders } from '../generated/contract-facts.ts';

export interface RateLimitState {
  /** The policy the figures describe (`"default"`, or `"failed-auth"` for the throttle on failed authentication); undefined when only the X-RateLimit-* headers came. */
  policy: string | undefined;
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** When the current window resets. */
  resetAt: Date;
  /** The window's length in seconds, when `RateLimit-Policy` says it. */
  windowSeconds: number | undefined;
}

interface FieldItem {
  name: string;
  params: Map<string, number>;
}

/** The first item of a structured-field list such as `"default";r=199;t=60` (RFC 8941, the parts used here). */
function firstItem(value: string | null): FieldItem | undefined {
  if (!value) return undefined;
  const match = /^\s*(?:"([^"]*)"|([A-Za-z*][\w:.*/-]*))((?:\s*;\s*[a-z*][a-z0-9_.*-]*=\d+)*)/.exec(value);
  if (!match) return undefined;
  const params = new Map<string, number>();
  for (const param of match[3].matchAll(/;\s*([a-z*][a-z0-9_.*-]*)=(\d+)/g)) params.set(param[1], Number(param[2]));
  return { name: match[1] ?? match[2], params };
}

function integer(value: string | null): number | undefined {
  return value !== null && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
}

/** The state the response's headers describe, or undefined when they describe none. `now` turns `t` into an instant. */
export function rateLimitOf(headers: Headers, now: number): RateLimitState | undefined {
  const current = firstItem(headers.get(responseHeaders.rateLimit));
  const policy = firstItem(headers.get(responseHeaders.rateLimitPolicy));
  const samePolicy = policy && (!current || policy.name === current.name) ? policy : undefined;
  const limit = samePolicy?.params.get('q') ?? integer(headers.get(responseHeaders.rateLimitLimit));
  const remaining = current?.params.get('r') ?? integer(headers.get(responseHeaders.rateLimitRemaining));
  const resetIn = current?.params.get('t');
  const resetEpoch = integer(headers.get(responseHeaders.rateLimitReset));
  const resetAt = resetIn !== undefined ? now + resetIn * 1000 : resetEpoch !== undefined ? resetEpoch * 1000 : undefined;
  if (limit === undefined || remaining === undefined || resetAt === undefined) return undefined;
  return {
    policy: current?.name ?? policy?.name,
    limit,
    remaining,
    resetAt: new Date(resetAt),
    windowSeconds: samePolicy?.params.get('w'),
  };
}

/** Whether the headers carry either family at all (cheap: no parsing). */
export function hasRateLimitHeaders(headers: Headers): boolean {
  return headers.has(responseHeaders.rateLimit) || headers.has(responseHeaders.rateLimitRemaining);
}

/**
 * `Retry-After` in seconds (RFC 9110: delta-seconds, or an HTTP-date counted from `now`), or
 * undefined when the response has none or an unreadable one.
 */
export function retryAfterSeconds(headers: Headers, now: number): number | undefined {
  const value = headers.get(responseHeaders.retryAfter);
  if (value === null) return undefined;
  const seconds = integer(value);
  if (seconds !== undefined) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
