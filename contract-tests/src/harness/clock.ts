import type { HttpClient } from '../http/http-client.ts';

/**
 * Time as the target sees it. With the deployment's test clock (`HERALD_TEST_CLOCK_URL`), the
 * suite reads and moves the server's time instead of waiting; without it, scenarios that need
 * time to pass wait for real time with short values, polling, within a bound.
 */
export class TargetClock {
  constructor(private readonly http: HttpClient, readonly url: string | undefined) {}

  get controllable(): boolean {
    return this.url !== undefined;
  }

  /** The target's current time in ms since the epoch. */
  async now(): Promise<number> {
    if (!this.url) return Date.now();
    const exchange = await this.http.send({ method: 'GET', path: this.url, headers: [['Accept', 'application/json']] });
    const now = exchange.response && exchange.response.status === 200 ? Date.parse((JSON.parse(exchange.response.body) as { now: string }).now) : NaN;
    if (Number.isNaN(now)) throw new Error(`The test clock at ${this.url} did not answer {"now": "<RFC 3339>"} (${exchange.response?.status ?? exchange.failure})`);
    return now;
  }

  /** Moves the target's time forward. Only with a test clock: real time cannot be moved. */
  async advance(seconds: number): Promise<void> {
    if (!this.url) throw new Error('No test clock to advance');
    const exchange = await this.http.send({
      method: 'POST',
      path: this.url,
      headers: [['Content-Type', 'application/json'], ['Accept', 'application/json']],
      body: JSON.stringify({ advance_seconds: seconds }),
    });
    if (!exchange.response || exchange.response.status >= 300) {
      throw new Error(`The test clock at ${this.url} refused to advance ${seconds} s (${exchange.response?.status ?? exchange.failure})`);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
