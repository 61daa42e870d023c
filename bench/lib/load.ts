import autocannon, { type Options } from 'autocannon';

// The one way the benchmark puts load on a server: autocannon, in this process, against a
// server in another process. Every load states the one status it expects; any other status,
// socket error or timeout makes the load invalid rather than a faster-looking figure.

export interface LoadSpec {
  /** What is measured, for error messages. */
  label: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Either a fixed duration in seconds or a fixed number of requests. */
  seconds?: number;
  amount?: number;
  /** The status every response must have; for a sequence, the statuses its steps answer. */
  expectStatus: number | readonly number[];
  /** Requests each connection sends in turn, again and again (autocannon's `requests`), instead of one. */
  sequence?: Options['requests'];
  /** Builds each request (distinct keys); autocannon then rebuilds the request every time. */
  perRequest?: (request: { headers: Record<string, string>; body?: string }) => { headers: Record<string, string>; body?: string };
}

export interface LoadFigures {
  /** Responses counted per second of the run. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The same percentiles to the microsecond, from each response's own time. */
  p50Micros: number;
  p99Micros: number;
  /** Responses counted (all of them with the expected status). */
  responses: number;
  seconds: number;
  connections: number;
}

export class LoadError extends Error {}

export async function runLoad(spec: LoadSpec): Promise<LoadFigures> {
  const options: Options = {
    url: spec.url,
    connections: spec.connections,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
    timeout: 10,
  };
  if (spec.body !== undefined) options.body = spec.body;
  if (spec.amount !== undefined) options.amount = spec.amount;
  else options.duration = spec.seconds;
  if (spec.sequence) options.requests = spec.sequence;
  if (spec.perRequest) {
    const perRequest = spec.perRequest;
    options.requests = [
      {
        setupRequest: (request) => ({ ...request, ...perRequest({ headers: { ...(request.headers ?? {}) }, body: spec.body }) }),
      },
    ];
  }
  const times: number[] = [];
  const result = await autocannon(options).on('response', (_client, _status, _bytes, ms) => times.push(ms));
  const expected: readonly number[] = typeof spec.expectStatus === 'number' ? [spec.expectStatus] : spec.expectStatus;
  const counts = Object.entries(result.statusCodeStats).map(([status, { count }]) => [Number(status), count] as const);
  const unexpected = counts.filter(([status]) => !expected.includes(status));
  if (unexpected.length > 0 || result.errors > 0 || result.timeouts > 0) {
    const seen = counts.map(([status, count]) => `${count} × ${status}`).join(', ') || 'no responses';
    throw new LoadError(
      `${spec.label}: expected every response to be ${expected.join(' or ')}; got ${seen}, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const responses = counts.reduce((sum, [, count]) => sum + count, 0);
  if (responses === 0) throw new LoadError(`${spec.label}: no response was counted`);
  times.sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(times.length * p))] * 1000);
  // A run of a fixed number of requests ends on autocannon's next one-second tick, so its req/s
  // counts that idle tail; responses per server CPU-second (the verdicts' capacity) do not.
  return {
    requestsPerSecond: responses / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    p50Micros: percentile(0.5),
    p99Micros: percentile(0.99),
    responses,
    seconds: result.duration,
    connections: spec.connections,
  };
}
