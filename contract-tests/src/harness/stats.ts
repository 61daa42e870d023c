import type { HttpClient } from '../http/http-client.ts';

/**
 * The deployment's read-only counters (`HERALD_STATS_URL`; the reference server serves them at
 * `/_herald/stats`, outside `/v1` and outside the contract, like its test clock). Two promises of
 * the contract can only be seen through them: a malformed key is refused before anything is
 * looked up (spec, "Key format"), and keys that authenticate no one leave no state behind.
 */
export const STATS_COUNTERS = {
  /** Secret lookups in the key store since start-up. */
  lookups: 'store_lookups',
  /** Keys with a rate-limit window. */
  rateLimitedKeys: 'rate_limited_keys',
  /** Client addresses the failed-authentication throttle tracks. */
  throttledAddresses: 'throttled_addresses',
  /** Idempotency records kept. */
  idempotencyRecords: 'idempotency_records',
} as const;

export type StatsCounter = keyof typeof STATS_COUNTERS;
export type StatsReading = Record<StatsCounter, number>;

export class TargetStats {
  constructor(private readonly http: HttpClient, readonly url: string | undefined) {}

  /**
   * One reading of every counter. Returns the reading, or a description of what is wrong with the
   * answer (not a 200 JSON object, a counter missing or not a whole number ≥ 0): a rule built on
   * counters the target does not keep could not fail, so it reports that instead.
   */
  async read(): Promise<{ reading: StatsReading } | { problem: string }> {
    if (!this.url) throw new Error('No stats URL to read');
    const exchange = await this.http.send({ method: 'GET', path: this.url, headers: [['Accept', 'application/json']] });
    const response = exchange.response;
    if (!response || response.status !== 200) return { problem: `the stats at ${this.url} answered ${response?.status ?? exchange.failure}, not 200` };
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return { problem: `the stats at ${this.url} are not JSON: ${JSON.stringify(response.body.slice(0, 200))}` };
    }
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const reading = {} as StatsReading;
    for (const [counter, field] of Object.entries(STATS_COUNTERS) as Array<[StatsCounter, string]>) {
      const value = fields[field];
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        return { problem: `the stats at ${this.url} should give "${field}" as a whole number ≥ 0, got ${JSON.stringify(value)} in ${JSON.stringify(body).slice(0, 300)}` };
      }
      reading[counter] = value;
    }
    return { reading };
  }
}
