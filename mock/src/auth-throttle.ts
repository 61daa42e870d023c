import { FixedWindowTable, secondsUntil } from './fixed-window.ts';

// The failed-authentication throttle (spec "Rate limits", last paragraph): per client address, a
// fixed 60-second window opened by the first failure. Once an address has failed `limit` times
// in its window, every request from it that carries a credential is refused with
// `authentication_throttled` until the window ends, whether its key is valid or not, so guessing
// teaches nothing. The table of addresses is capped: a spray from many addresses stays bounded.

export const DEFAULT_FAILED_AUTH_LIMIT = 500;
export const DEFAULT_THROTTLE_TRACKED_ADDRESSES = 10_000;

export interface ThrottleVerdict {
  readonly limit: number;
  /** Seconds until the address may try again (1..60). */
  readonly retryAfterSeconds: number;
}

export class FailedAuthThrottle {
  private readonly windows: FixedWindowTable;

  constructor(
    readonly limit: number = DEFAULT_FAILED_AUTH_LIMIT,
    capacity: number = DEFAULT_THROTTLE_TRACKED_ADDRESSES,
  ) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError('the failed-auth limit must be a positive integer');
    this.windows = new FixedWindowTable(capacity);
  }

  get trackedAddresses(): number {
    return this.windows.size;
  }

  /** A verdict if `address` is throttled now, otherwise null. */
  check(address: string, now: number): ThrottleVerdict | null {
    const state = this.windows.peek(address, now);
    if (state === undefined || state.count < this.limit) return null;
    return { limit: this.limit, retryAfterSeconds: secondsUntil(state.resetAt, now) };
  }

  recordFailure(address: string, now: number): void {
    this.windows.count(address, now);
  }
}
