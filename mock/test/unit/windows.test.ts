import { describe, expect, it } from 'vitest';
import { FailedAuthThrottle } from '../../src/auth-throttle.ts';
import { ManualClock } from '../../src/clock.ts';
import { FixedWindowTable } from '../../src/fixed-window.ts';
import { RateLimiter, scaledLimit } from '../../src/rate-limiter.ts';

describe('rate limiter (fixed 60-second window per key, injected clock)', () => {
  it('allows `limit` requests, counts down, then refuses without counting', () => {
    const clock = new ManualClock(1_800_000_000_000);
    const limiter = new RateLimiter();
    for (let i = 1; i <= 5; i++) {
      const d = limiter.consume('key_a', 5, clock.now());
      expect(d).toEqual({ allowed: true, limit: 5, remaining: 5 - i, resetSeconds: 60 });
    }
    clock.advance(10_500);
    const refused = limiter.consume('key_a', 5, clock.now());
    expect(refused).toEqual({ allowed: false, limit: 5, remaining: 0, resetSeconds: 50 });
    // Refusals do not extend or consume anything: the window still ends at the same instant.
    clock.advance(49_499);
    expect(limiter.consume('key_a', 5, clock.now())).toMatchObject({ allowed: false, resetSeconds: 1 });
    clock.advance(1);
    expect(limiter.consume('key_a', 5, clock.now())).toEqual({ allowed: true, limit: 5, remaining: 4, resetSeconds: 60 });
  });

  it('starts the window with the key’s first request, not on a clock boundary', () => {
    const clock = new ManualClock(1_800_000_037_123);
    const limiter = new RateLimiter();
    limiter.consume('k', 2, clock.now());
    clock.advance(59_999);
    expect(limiter.consume('k', 2, clock.now())).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 1 });
    clock.advance(1);
    expect(limiter.consume('k', 2, clock.now())).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 60 });
  });

  it('keeps keys apart', () => {
    const limiter = new RateLimiter();
    expect(limiter.consume('a', 1, 0).allowed).toBe(true);
    expect(limiter.consume('a', 1, 0).allowed).toBe(false);
    expect(limiter.consume('b', 1, 0).allowed).toBe(true);
  });

  it('bounds its table', () => {
    const limiter = new RateLimiter(100);
    for (let i = 0; i < 10_000; i++) limiter.consume(`key_${i}`, 10, 0);
    expect(limiter.trackedKeys).toBe(100);
  });

  it('scales plan limits, rounding, never below 1', () => {
    expect(scaledLimit(200, 1)).toBe(200);
    expect(scaledLimit(200, 0.05)).toBe(10);
    expect(scaledLimit(5, 0.01)).toBe(1);
    expect(scaledLimit(50, 1000)).toBe(50_000);
    expect(scaledLimit(5, 0.3)).toBe(2);
  });
});

describe('failed-auth throttle', () => {
  it('throttles an address after `limit` failures in its window, for the rest of the window', () => {
    const clock = new ManualClock(0);
    const throttle = new FailedAuthThrottle(3);
    for (let i = 0; i < 3; i++) {
      expect(throttle.check('10.0.0.1', clock.now())).toBeNull();
      throttle.recordFailure('10.0.0.1', clock.now());
      clock.advance(1000);
    }
    expect(throttle.check('10.0.0.1', clock.now())).toEqual({ limit: 3, retryAfterSeconds: 57 });
    expect(throttle.check('10.0.0.2', clock.now())).toBeNull();
    clock.advance(56_000);
    expect(throttle.check('10.0.0.1', clock.now())).toEqual({ limit: 3, retryAfterSeconds: 1 });
    clock.advance(1000);
    expect(throttle.check('10.0.0.1', clock.now())).toBeNull();
  });

  it('stays bounded under a spray from many addresses', () => {
    const throttle = new FailedAuthThrottle(500, 1000);
    for (let i = 0; i < 50_000; i++) throttle.recordFailure(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 0);
    expect(throttle.trackedAddresses).toBe(1000);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new FailedAuthThrottle(0)).toThrow(RangeError);
    expect(() => new FailedAuthThrottle(1.5)).toThrow(RangeError);
  });
});

describe('fixed window table', () => {
  it('drops ended windows when looked at', () => {
    const table = new FixedWindowTable(10);
    table.count('x', 0);
    expect(table.peek('x', 59_999)?.count).toBe(1);
    expect(table.peek('x', 60_000)).toBeUndefined();
    expect(table.size).toBe(0);
  });
});
