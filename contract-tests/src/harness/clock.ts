import type { HttpClient } from '../http/http-client.ts';

/**
 * Time as the target sees it. With the deployment's test clock (`HERALD_TEST_CLOCK_URL`), the
 * suite reads and moves the server's time instead of waiting; without it, scenarios that need
 * time to pass wait for real time with short values, polling, within a bound.
 *
 * The travel is scoped to the run: the suite adds up how far it moved the clock and, at the end
 * (also when interrupted), moves it back by exactly that much (`{"rewind_seconds": N}`), so the
 * target's time is where it was — real time, or wherever a person had put it — and not minutes
 * ahead for whoever keeps developing against it.
 */
export class TargetClock {
  /** Seconds this run moved the target's clock forward, not yet moved back. */
  advancedSeconds = 0;

  constructor(private readonly http: HttpClient, readonly url: string | undefined, private readonly onMove: (seconds: number) => void = () => undefined) {}

  get controllable(): boolean {
    return this.url !== undefined;
  }

  /** The target's current time in ms since the epoch. */
  async now(): Promise<number> {
    if (!this.url) return Date.now();
    const exchange = await this.http.send({ method: 'GET', path: this.url, headers: [['Accept', 'application/json']] });
    let now = NaN;
    if (exchange.response?.status === 200) {
      try {
        now = Date.parse(String((JSON.parse(exchange.response.body) as { now?: unknown }).now));
      } catch {
        now = NaN;
      }
    }
    if (Number.isNaN(now)) throw new Error(`The test clock at ${this.url} did not answer {"now": "<RFC 3339>"} (${exchange.response?.status ?? exchange.failure})`);
    return now;
  }

  /** Moves the target's time forward. Only with a test clock: real time cannot be moved. */
  async advance(seconds: number): Promise<void> {
    await this.post({ advance_seconds: seconds }, `advance ${seconds} s`);
    this.advancedSeconds += seconds;
    this.onMove(seconds);
  }

  /**
   * Moves the target's clock back by what this run moved it. Returns whether it did (false: the
   * test clock does not take `rewind_seconds`, with the reason in `problem`).
   */
  async restore(http: HttpClient = this.http): Promise<{ restored: boolean; problem?: string }> {
    if (!this.url || this.advancedSeconds === 0) return { restored: true };
    const seconds = this.advancedSeconds;
    try {
      await this.post({ rewind_seconds: seconds }, `rewind ${seconds} s`, http);
    } catch (error) {
      return { restored: false, problem: (error as Error).message };
    }
    this.advancedSeconds = 0;
    this.onMove(-seconds);
    return { restored: true };
  }

  private async post(body: Record<string, number>, what: string, http: HttpClient = this.http): Promise<void> {
    const exchange = await http.send({
      method: 'POST',
      path: this.url!,
      headers: [['Content-Type', 'application/json'], ['Accept', 'application/json']],
      body: JSON.stringify(body),
    });
    if (!exchange.response || exchange.response.status >= 300) {
      throw new Error(`The test clock at ${this.url} refused to ${what} (${exchange.response?.status ?? exchange.failure})`);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
