import { request } from 'node:http';
import type { IdempotencyLimits } from '../../mock/src/idempotency.ts';
import { startPrism as startPrismMock, type PrismMock } from '../../mock/src/prism.ts';
import { shippedMock } from './build.ts';
import { startCliServer, startScriptServer, stopChild, type ScriptServer, type ServerChild } from './child.ts';
import { rateLimitScaleFor, SPEC_PATH } from './contract.ts';

// The servers the rows measure, each in its own process, each plain node running JavaScript.

/** No request of a benchmark may be refused by a rate limit or the failed-auth throttle. */
export const UNLIMITED_REQUESTS_PER_MINUTE = 100_000_000;
export const UNLIMITED_FAILED_AUTH = 1_000_000_000;

/** The sizes of the server's bounded tables and its lookup counter (`app.herald.stats()`). */
export interface TableStats {
  rateLimitedKeys: number;
  throttledAddresses: number;
  idempotencyRecords: number;
  storeLookups: number;
}

export interface ServerStats {
  stats: TableStats;
  memory: NodeJS.MemoryUsage;
}

export interface ReferenceServerProcess extends ServerChild {
  baseUrl: string;
  keys: Record<string, string>;
  env: Record<string, string>;
  /** The server's counters, read from its stats route (`/_herald/stats`). */
  stats(): Promise<TableStats>;
}

/**
 * `unlimited`: rate limits scaled and the failed-auth throttle raised so that no benchmark
 * request is refused by them. `defaults`: the limits `herald-mock` applies (for the conformance
 * suite, which tests them).
 */
export type Limits = 'unlimited' | 'defaults';

function limitFlags(limits: Limits): { rateLimitScale?: number; failedAuthLimit?: number } {
  return limits === 'defaults'
    ? {}
    : { rateLimitScale: rateLimitScaleFor(UNLIMITED_REQUESTS_PER_MINUTE), failedAuthLimit: UNLIMITED_FAILED_AUTH };
}

/** `herald-mock` itself, compiled as the package ships it, on 127.0.0.1 and a free port. */
export async function startReferenceServer(limits: Limits = 'unlimited'): Promise<ReferenceServerProcess> {
  const { cli } = await shippedMock();
  const { rateLimitScale, failedAuthLimit } = limitFlags(limits);
  const args = ['--port', '0', '--host', '127.0.0.1', '--log-level', 'info'];
  if (rateLimitScale !== undefined) args.push('--rate-limit-scale', String(rateLimitScale));
  if (failedAuthLimit !== undefined) args.push('--failed-auth-limit', String(failedAuthLimit));
  const server = await startCliServer(cli, args);
  const statsUrl = server.env.HERALD_STATS_URL;
  return {
    ...server,
    baseUrl: server.env.HERALD_BASE_URL,
    keys: server.env,
    stats: async () => {
      const counters = (await (await fetch(statsUrl)).json()) as Record<string, number>;
      return {
        rateLimitedKeys: counters.rate_limited_keys,
        throttledAddresses: counters.throttled_addresses,
        idempotencyRecords: counters.idempotency_records,
        storeLookups: counters.store_lookups,
      };
    },
  };
}

export interface SeedOptions {
  /** Keys in the store in all, the demo fixture's included. */
  keys: number;
  environments: number;
  /** The share of the keys in one large ("deep") environment. */
  deepShare: number;
  /** Keys added to the demo development environment, whose key the bench uses. */
  listedKeys: number;
}

export interface SeededInfo {
  seconds: number;
  /** Keys and environments in the store once seeded (the demo fixture's included). */
  keys: number;
  environments: number;
  /** The large environment: how many keys, one of its secrets, the cursor of its last page. */
  deep: { keys: number; key: string; endCursor: string | null } | null;
}

export interface LaunchedServer extends ScriptServer {
  baseUrl: string;
  keys: Record<string, string>;
  seeded: SeededInfo | null;
  sample(): Promise<ServerStats>;
  /** Full garbage collection in the server, then its stats. */
  collectGarbage(): Promise<ServerStats>;
}

/**
 * The compiled server started through the package's `startReferenceServer` export
 * (bench/processes/herald-server.mjs), for what the CLI cannot do: seed the store directly with
 * many keys, and collect garbage before memory is read.
 */
export async function startLaunchedServer(
  limits: Limits = 'unlimited',
  seed?: SeedOptions,
  idempotencyLimits?: IdempotencyLimits,
  /** Options of the server's Node process (row 8: LARGE_STORE_NODE_OPTIONS). */
  nodeOptions: readonly string[] = [],
): Promise<LaunchedServer> {
  const { root } = await shippedMock();
  const options = { ...limitFlags(limits), seed, idempotencyLimits };
  const server = await startScriptServer('herald-server.mjs', [root, JSON.stringify(options)], ['--expose-gc', ...nodeOptions]);
  return {
    ...server,
    baseUrl: server.ready.baseUrl as string,
    keys: server.ready.keys as Record<string, string>,
    seeded: (server.ready.seeded as SeededInfo | null) ?? null,
    sample: () => server.ask<ServerStats>('stats'),
    collectGarbage: () => server.ask<ServerStats>('gc'),
  };
}

export interface CapturedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** Headers node:http writes by itself; the bare server must not send them twice. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** One response exactly as a server sent it (header names in their case and order). */
export function capture(url: string, headers: Record<string, string>): Promise<CapturedResponse> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          if (!CONNECTION_HEADERS.has(response.rawHeaders[i].toLowerCase())) pairs.push([response.rawHeaders[i], response.rawHeaders[i + 1]]);
        }
        resolve({ status: response.statusCode as number, headers: pairs, body });
      });
    })
      .on('error', reject)
      .end();
  });
}

/** The ways bench/processes/bare-http-server.mjs can hand node:http a response. */
export const BARE_WAYS = ['array-string', 'array-buffer', 'object-string'] as const;
export type BareWay = (typeof BARE_WAYS)[number];

/**
 * A plain node:http server answering every request with `canned`, written the given way
 * (by default the one that joins head and body into one chunk).
 */
export function startBareServer(canned: CapturedResponse, way: BareWay = 'array-string'): Promise<ScriptServer> {
  return startScriptServer('bare-http-server.mjs', [way, JSON.stringify(canned)]);
}

/** `herald-mock prism`: Prism on the spec, its paths under /v1, on a free port. */
export async function startPrism(): Promise<ServerChild & { baseUrl: string; startupMs: number }> {
  const started = performance.now();
  const prism: PrismMock = await startPrismMock({ specPath: SPEC_PATH, port: 0 });
  return {
    origin: prism.origin,
    baseUrl: prism.baseUrl,
    pid: prism.process.pid as number,
    startupMs: Math.round(performance.now() - started),
    stop: () => stopChild(prism.process, () => prism.process.kill('SIGTERM')),
  };
}
