// Fixed 60-second windows keyed by a string, each starting with its first counted event, in a
// table of bounded size. The per-key rate limiter and the per-address failed-auth throttle are
// both built on it.

export const WINDOW_SECONDS = 60;
const WINDOW_MS = WINDOW_SECONDS * 1000;

export interface WindowState {
  /** Events counted in the current window. */
  count: number;
  /** When the current window ends (ms since epoch). */
  resetAt: number;
}

export class FixedWindowTable {
  // Map iteration order is insertion order, so the first entry is the window that opened first:
  // the one dropped when the table is full (it would have ended soonest anyway).
  private readonly windows = new Map<string, WindowState>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.windows.size;
  }

  /** The live window for `id`, or undefined if it has none (never counted, or its window ended). */
  peek(id: string, now: number): WindowState | undefined {
    const state = this.windows.get(id);
    if (state === undefined) return undefined;
    // A window ending more than a window from now opened at a time the clock has since left (the
    // test clock moved back): it is over.
    if (state.resetAt <= now || state.resetAt - now > WINDOW_MS) {
      this.windows.delete(id);
      return undefined;
    }
    return state;
  }

  /** Counts one event for `id`, opening a window if none is live. */
  count(id: string, now: number): WindowState {
    let state = this.peek(id, now);
    if (state === undefined) {
      state = { count: 0, resetAt: now + WINDOW_MS };
      this.windows.set(id, state);
      if (this.windows.size > this.capacity) this.evictOldest();
    }
    state.count++;
    return state;
  }

  private evictOldest(): void {
    // Windows are kept in the order they opened; the oldest has the least time left to run.
    this.windows.delete(this.windows.keys().next().value as string);
  }
}

/** Whole seconds until `resetAt`, between 1 and the window length (what `t` and `Retry-After` say). */
export function secondsUntil(resetAt: number, now: number): number {
  return Math.min(WINDOW_SECONDS, Math.max(1, Math.ceil((resetAt - now) / 1000)));
}
