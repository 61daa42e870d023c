import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from './app.ts';
import { ManualClock, OffsetClock, type AdjustableClock } from './clock.ts';
import type { SeededKey } from './fixture.ts';
import type { LogLevel } from './logging.ts';
import { STATS_PATH, TEST_CLOCK_PATH } from './site-routes.ts';
import type { Store } from './store.ts';

// A reference server for tests of every area of the project: listens on 127.0.0.1, port 0,
// seeded with the demo fixture, with the demo keys under the names `--env-out` writes.
// Keep this shape stable: the conformance suite, the benchmarks and the hostile-input tests
// build on it.

/** The demo keys by role: the same names as the variables `npm start -- --env-out` writes. */
export interface DemoKeys {
  HERALD_API_KEY: string;
  HERALD_OTHER_ENV_API_KEY: string;
  HERALD_READ_ONLY_API_KEY: string;
  HERALD_INACTIVE_ACCOUNT_API_KEY: string;
  HERALD_NEAR_QUOTA_API_KEY: string;
}

export interface StartOptions {
  /**
   * `true` (or a start instant in ms): time stands still until `clock.advance(ms)` moves it.
   * Default: real time, which `clock.advance` (or the test clock endpoint) moves forward.
   */
  manualClock?: boolean | number;
  /** Default 1. Benchmarks raise it so that no request is refused. */
  rateLimitScale?: number;
  /** Default 500 (the server's default). */
  failedAuthLimit?: number;
  /**
   * Default `'debug'`: one line per request (credentials scrubbed), so tests can prove that no
   * secret reaches the log. Benchmarks should pass `'info'` or `'silent'`.
   */
  logLevel?: LogLevel;
  /** Anything else `buildServer` accepts (fixture, idempotency limits, …). */
  server?: Omit<ServerOptions, 'clock' | 'rateLimitScale' | 'failedAuthLimit' | 'logLevel' | 'logSink'>;
}

export interface ReferenceServer {
  /** `http://127.0.0.1:PORT/v1` */
  baseUrl: string;
  /** `http://127.0.0.1:PORT` (for /health, /openapi.json, the test clock) */
  origin: string;
  /** `http://127.0.0.1:PORT/_herald/test-clock` */
  testClockUrl: string;
  /** `http://127.0.0.1:PORT/_herald/stats` (served unless `server.statsRoute` is false) */
  statsUrl: string;
  keys: DemoKeys;
  /** Every `NAME=value` pair `--env-out` would write. */
  env: Record<string, string>;
  /** Every seeded key with its environment and account. */
  seededKeys: readonly SeededKey[];
  clock: AdjustableClock;
  /** The server's store; `store.lookups` counts secret lookups, `store.dump()` holds no secret. */
  store: Store;
  /** Log lines written so far (JSON, already scrubbed). */
  logs: string[];
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startReferenceServer(options: StartOptions = {}): Promise<ReferenceServer> {
  const clock: AdjustableClock =
    options.manualClock === undefined || options.manualClock === false
      ? new OffsetClock()
      : new ManualClock(typeof options.manualClock === 'number' ? options.manualClock : Date.now());
  const logs: string[] = [];
  const app = buildServer({
    ...options.server,
    clock,
    rateLimitScale: options.rateLimitScale,
    failedAuthLimit: options.failedAuthLimit,
    logLevel: options.logLevel ?? 'debug',
    logSink: (line) => logs.push(line),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const baseUrl = origin + app.herald.contract.basePath;
  app.herald.setPublicBaseUrl(baseUrl);
  const env = envVariables(baseUrl, app.herald.seededKeys, {
    testClockUrl: app.herald.testClockEnabled ? origin + TEST_CLOCK_PATH : null,
    statsUrl: app.herald.statsRouteEnabled ? origin + STATS_PATH : null,
  });
  const keys = Object.fromEntries(DEMO_KEY_NAMES.map((name) => [name, env[name]])) as unknown as DemoKeys;
  return {
    baseUrl,
    origin,
    testClockUrl: origin + TEST_CLOCK_PATH,
    statsUrl: origin + STATS_PATH,
    keys,
    env,
    seededKeys: app.herald.seededKeys,
    clock,
    store: app.herald.store,
    logs,
    app,
    close: () => app.close(),
  };
}

export const DEMO_KEY_NAMES = [
  'HERALD_API_KEY',
  'HERALD_OTHER_ENV_API_KEY',
  'HERALD_READ_ONLY_API_KEY',
  'HERALD_INACTIVE_ACCOUNT_API_KEY',
  'HERALD_NEAR_QUOTA_API_KEY',
] as const;

/** The variables the conformance suite reads (`--env-out`), in a stable order. */
export function envVariables(
  baseUrl: string,
  seededKeys: readonly SeededKey[],
  mockOnly: { testClockUrl: string | null; statsUrl: string | null },
): Record<string, string> {
  const env: Record<string, string> = { HERALD_BASE_URL: baseUrl };
  for (const key of seededKeys) if (key.envVar) env[key.envVar] = key.secret;
  if (mockOnly.testClockUrl) env.HERALD_TEST_CLOCK_URL = mockOnly.testClockUrl;
  if (mockOnly.statsUrl) env.HERALD_STATS_URL = mockOnly.statsUrl;
  return env;
}

export { buildServer };
export type { SeededKey };
