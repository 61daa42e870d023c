// A clock for the client's tests: time moves only when the client waits (each wait is recorded
// and passes at once) or when a test fires the pending timers (the timeout timers). Nothing
// waits for real time to pass.
import type { Clock } from '../../clock.ts';

export interface FakeClock {
  clock: Clock;
  /** Every wait the client asked for between attempts, in ms, in order. */
  waits: number[];
  /** How many timers (attempt timeouts) are set and not yet cancelled or fired. */
  pendingTimers(): number;
  /** Fires every pending timer, as if its time had come. */
  fireTimers(): void;
}

export function fakeClock(start = Date.UTC(2026, 10, 24, 9, 0, 0)): FakeClock {
  let now = start;
  const waits: number[] = [];
  const timers = new Set<() => void>();
  return {
    waits,
    clock: {
      now: () => now,
      async sleep(ms, signal) {
        signal?.throwIfAborted();
        waits.push(ms);
        now += ms;
      },
      setTimer(callback) {
        const fire = () => {
          timers.delete(fire);
          callback();
        };
        timers.add(fire);
        return () => timers.delete(fire);
      },
    },
    pendingTimers: () => timers.size,
    fireTimers() {
      for (const fire of [...timers]) fire();
    },
  };
}
