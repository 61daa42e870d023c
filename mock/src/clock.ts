// Everything time-based in the server (expiry, grace periods, rate-limit windows, quota periods,
// idempotency retention, `Date` headers) reads one injected clock, so tests move time instead of
// sleeping and `npm start` can offer a test clock.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** A clock whose time can be moved: what tests and the test clock endpoint drive. */
export interface AdjustableClock extends Clock {
  advance(milliseconds: number): void;
  /**
   * Moves time back by up to `milliseconds` — undoing an earlier advance, never before real time
   * (a client that travelled puts the clock back where it found it). Returns how far it moved.
   */
  rewind(milliseconds: number): number;
}

/** Real time plus an offset that advances and rewinds, never below zero. */
export class OffsetClock implements AdjustableClock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(milliseconds: number): void {
    if (!(milliseconds >= 0)) throw new RangeError('advance moves time forward');
    this.offset += milliseconds;
  }
  rewind(milliseconds: number): number {
    if (!(milliseconds >= 0)) throw new RangeError('rewind moves time back');
    const moved = Math.min(milliseconds, this.offset);
    this.offset -= moved;
    return moved;
  }
}

/** Time stands still until a test moves it. */
export class ManualClock implements AdjustableClock {
  constructor(private current: number = Date.now()) {}
  now(): number {
    return this.current;
  }
  advance(milliseconds: number): void {
    if (!(milliseconds >= 0)) throw new RangeError('advance moves time forward');
    this.current += milliseconds;
  }
  rewind(milliseconds: number): number {
    if (!(milliseconds >= 0)) throw new RangeError('rewind moves time back');
    this.current -= milliseconds;
    return milliseconds;
  }
  /** Jump to an instant (tests of month boundaries); never backwards. */
  set(epochMilliseconds: number): void {
    this.advance(epochMilliseconds - this.current);
  }
}

/** RFC 3339 in UTC, without a fractional part when there is none (`2026-11-24T09:30:00Z`). */
export function formatTimestamp(epochMilliseconds: number): string {
  const iso = new Date(epochMilliseconds).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso;
}

/**
 * The `Date` header value for the clock's current second (or for `at`, when the caller already
 * read the clock and other headers must agree with it), computed once per second.
 */
export function createHttpDate(clock: Clock): (at?: number) => string {
  let second = NaN;
  let value = '';
  return (at = clock.now()) => {
    const nowSecond = Math.floor(at / 1000);
    if (nowSecond !== second) {
      second = nowSecond;
      value = new Date(nowSecond * 1000).toUTCString();
    }
    return value;
  };
}

/** 00:00 UTC on the first day of the month containing `at`, and of the month after. */
export function calendarMonthUtc(at: number): { start: number; end: number } {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
}
