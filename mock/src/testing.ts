import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildServer, type HeraldHandle, type ServerOptions } from './app.ts';
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
export type DemoKeys = Record<(typeof DEMO_KEY_NAMES)[number], string>;

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
  const env = envVariables(app.herald, origin);
  const baseUrl = env.HERALD_BASE_URL;
  app.herald.setPublicBaseUrl(baseUrl);
  const keys = Object.fromEntries(DEMO_KEY_NAMES.map((name) => [name, env[name]])) as DemoKeys;
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

/**
 * The variables the conformance suite reads (`--env-out`), in a stable order, for a server reached
 * at `origin`: the base URL, the seeded keys, and the mock-only routes the server serves.
 */
export function envVariables(herald: HeraldHandle, origin: string): Record<string, string> {
  const env: Record<string, string> = { HERALD_BASE_URL: origin + herald.contract.basePath };
  for (const key of herald.seededKeys) if (key.envVar) env[key.envVar] = key.secret;
  if (herald.testClockEnabled) env.HERALD_TEST_CLOCK_URL = origin + TEST_CLOCK_PATH;
  if (herald.statsRouteEnabled) env.HERALD_STATS_URL = origin + STATS_PATH;
  // The reporter this server trusts and made at start-up: the suite signs leaked-key reports with it.
  env.HERALD_REPORTER_KEY_IDENTIFIER = herald.localReporter.keyIdentifier;
  env.HERALD_REPORTER_PRIVATE_KEY = herald.localReporter.privateKeyBase64;
  return env;
}

/**
 * Writes `env` as the `NAME=value` file of `npm start -- --env-out FILE`, which the suite's
 * `--env-file` reads. Demo keys only, but a habit worth keeping: files holding keys are readable
 * by their owner alone.
 */
export function writeEnvFile(path: string, env: Record<string, string>): void {
  writeFileSync(path, Object.entries(env).map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 });
}

/**
 * A port free on 127.0.0.1 right now, for a server that cannot be told to take port 0 and report
 * it (Prism): the benchmark, the suite's proof and the server's own tests start one.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export { buildServer };
export type { SeededKey };
