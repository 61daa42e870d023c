import { FixedWindowTable, secondsUntil } from './fixed-window.ts';

// The per-key rate limit (spec "Rate limits"): a fixed 60-second window per key id, shared by the
// key's current and previous secret, opened by the key's first request. Refused requests are
// not counted. Only keys that authenticated reach it, so unknown keys never grow its table.

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests left in the window after this one. */
  readonly remaining: number;
  /** Seconds until the window resets (1..60): `t` of `RateLimit`, and `Retry-After` when refused. */
  readonly resetSeconds: number;
}

export const DEFAULT_RATE_LIMIT_TRACKED_KEYS = 100_000;

export class RateLimiter {
  private readonly windows: FixedWindowTable;

  constructor(capacity = DEFAULT_RATE_LIMIT_TRACKED_KEYS) {
    this.windows = new FixedWindowTable(capacity);
  }

  get trackedKeys(): number {
    return this.windows.size;
  }

  consume(keyId: string, limit: number, now: number): RateLimitDecision {
    const live = this.windows.peek(keyId, now);
    if (live !== undefined && live.count >= limit) {
      return { allowed: false, limit, remaining: 0, resetSeconds: secondsUntil(live.resetAt, now) };
    }
    const state = this.windows.count(keyId, now);
    return { allowed: true, limit, remaining: limit - state.count, resetSeconds: secondsUntil(state.resetAt, now) };
  }
}

/** A plan's per-minute limit times the deployment's scale, rounded, at least 1. */
export function scaledLimit(requestsPerMinute: number, scale: number): number {
  return Math.max(1, Math.round(requestsPerMinute * scale));
}
