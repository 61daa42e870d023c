import { DEFAULT_THROTTLE_TRACKED_ADDRESSES } from '../../mock/src/auth-throttle.ts';
import { DEFAULT_IDEMPOTENCY_LIMITS } from '../../mock/src/idempotency.ts';
import { DEFAULT_STORE_LIMITS } from '../../mock/src/store.ts';
import { credentialHeaders } from '../lib/contract.ts';
import { unknownKeyLike } from '../lib/keys.ts';
import { runLoad } from '../lib/load.ts';
import { createApiKeys, idempotentNotifications } from '../lib/requests.ts';
import { formatCount, judgedRow, valueAtMost, valueEquals, verdict, type Row } from '../lib/report.ts';
import { startLaunchedServer, type LaunchedServer, type ServerStats } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';

// Row 3: memory under a flood. RSS of the server process, each time right after two full
// garbage collections, before a flood, half-way and at its end: once for requests with distinct
// unknown (well-formed) keys, once for POSTs with distinct Idempotency-Keys. Growth must stay
// under a fixed ceiling, and the server's own tables must stay within the caps of its design:
//
//  - unknown keys leave nothing behind: they are refused before the rate limiter (no per-key
//    window) and the failed-auth throttle tracks addresses, not keys (one address here; at most
//    DEFAULT_THROTTLE_TRACKED_ADDRESSES);
//  - idempotency records: at most perApiKey per API key and `total` overall, oldest evicted
//    first; the notifications they create: the most recent notificationsPerEnvironment.

const MiB = 1024 * 1024;
const TARGETS = { growth: valueAtMost(50, 'MiB'), capHolds: valueEquals(0) };

interface Sample {
  rssMiB: number;
  heapUsedMiB: number;
  stats: ServerStats['stats'];
}

function sample(stats: ServerStats): Sample {
  return { rssMiB: stats.memory.rss / MiB, heapUsedMiB: stats.memory.heapUsed / MiB, stats: stats.stats };
}

async function warmUp(server: LaunchedServer, settings: Settings) {
  // The request path is compiled before the baseline, so that growth is state, not code.
  await runLoad({
    label: 'memory warm-up',
    url: `${server.baseUrl}/ping`,
    headers: credentialHeaders('ApiKey', server.keys.HERALD_API_KEY),
    connections: settings.connections,
    seconds: settings.warmupSeconds,
    expectStatus: 200,
  });
}

/** Runs the flood in two halves and samples memory before, half-way and after. */
async function flood(server: LaunchedServer, settings: Settings, runHalf: (amount: number) => Promise<unknown>) {
  const before = sample(await server.collectGarbage());
  const half = Math.floor(settings.floodRequests / 2);
  const started = performance.now();
  await runHalf(half);
  const middle = sample(await server.collectGarbage());
  await runHalf(settings.floodRequests - half);
  const seconds = (performance.now() - started) / 1000;
  const after = sample(await server.collectGarbage());
  return { before, middle, after, seconds };
}

function growthRow(id: string, name: string, result: Awaited<ReturnType<typeof flood>>, tables: string, settings: Settings): Row {
  const growth = result.after.rssMiB - result.before.rssMiB;
  const secondHalf = result.after.rssMiB - result.middle.rssMiB;
  const heap = result.after.heapUsedMiB - result.before.heapUsedMiB;
  return {
    group: 3,
    id,
    name,
    figure: `RSS ${result.before.rssMiB.toFixed(0)} → ${result.middle.rssMiB.toFixed(0)} → ${result.after.rssMiB.toFixed(0)} MiB (2nd half ${signed(secondHalf)}) · heap used ${signed(heap)} MiB · ${tables}`,
    values: {
      requests: settings.floodRequests,
      seconds: Math.round(result.seconds * 10) / 10,
      rssBeforeMiB: round1(result.before.rssMiB),
      rssMiddleMiB: round1(result.middle.rssMiB),
      rssAfterMiB: round1(result.after.rssMiB),
      rssGrowthMiB: round1(growth),
      rssGrowthSecondHalfMiB: round1(secondHalf),
      heapUsedGrowthMiB: round1(heap),
    },
    method: `${formatCount(settings.floodRequests)} requests, autocannon ${settings.connections} conn; RSS after gc() before/half-way/after`,
    ratio: round1(growth),
    comparedWith: null,
    target: TARGETS.growth,
    result: verdict(TARGETS.growth, growth),
  };
}

function capRow(id: string, name: string, over: number, figure: string, values: Record<string, number>): Row {
  return judgedRow({
    group: 3,
    id,
    name,
    figure,
    values,
    method: "the server's table sizes after the flood (HeraldHandle.stats())",
    ratio: over,
    comparedWith: null,
    target: TARGETS.capHolds,
  });
}

export async function measureUnknownKeyFlood(settings: Settings): Promise<Row[]> {
  const server = await startLaunchedServer();
  try {
    await warmUp(server, settings);
    const demoKey = server.keys.HERALD_API_KEY;
    const lookupsBefore = (await server.sample()).stats.storeLookups;
    const result = await flood(server, settings, (amount) =>
      runLoad({
        label: 'unknown-key flood',
        url: `${server.baseUrl}/ping`,
        connections: settings.connections,
        amount,
        expectStatus: 401,
        perRequest: () => ({ headers: credentialHeaders('ApiKey', unknownKeyLike(demoKey)) }),
      }),
    );
    const { stats } = result.after;
    const lookups = stats.storeLookups - lookupsBefore;
    // Every flood request must be a distinct key that reached the store (well-formed, unknown).
    if (lookups < settings.floodRequests) throw new Error(`only ${lookups} of ${settings.floodRequests} flood keys reached the store`);
    const throttleOver = Math.max(0, stats.throttledAddresses - 1);
    const limiterOver = Math.max(0, stats.rateLimitedKeys - result.before.stats.rateLimitedKeys);
    return [
      growthRow(
        'memory.unknown-keys',
        `${formatCount(settings.floodRequests)} distinct unknown keys`,
        result,
        `throttle tracks ${stats.throttledAddresses} address, limiter ${stats.rateLimitedKeys} key, ${formatCount(lookups)} lookups`,
        settings,
      ),
      capRow(
        'memory.unknown-keys.state',
        '  entries added per unknown key',
        throttleOver + limiterOver,
        `throttle ${stats.throttledAddresses} address (cap ${formatCount(DEFAULT_THROTTLE_TRACKED_ADDRESSES)}), limiter +${limiterOver} keys`,
        { throttledAddresses: stats.throttledAddresses, rateLimitedKeysAdded: limiterOver },
      ),
    ];
  } finally {
    await server.stop();
  }
}

export async function measureIdempotencyFlood(settings: Settings): Promise<Row[]> {
  const server = await startLaunchedServer();
  try {
    await warmUp(server, settings);
    const apiKeys = await createApiKeys(server.baseUrl, server.keys.HERALD_API_KEY, settings.floodApiKeys);
    const notifications = idempotentNotifications(server.baseUrl, apiKeys);
    const result = await flood(server, settings, (amount) =>
      runLoad({ ...notifications, label: 'idempotency-key flood', connections: settings.connections, amount }),
    );
    const records = result.after.stats.idempotencyRecords;
    const { perApiKey, total } = DEFAULT_IDEMPOTENCY_LIMITS;
    const cap = Math.min(total, perApiKey * apiKeys.length, settings.floodRequests);
    return [
      growthRow(
        'memory.idempotency-keys',
        `${formatCount(settings.floodRequests)} POSTs, distinct Idempotency-Keys`,
        result,
        `${formatCount(records)} idempotency records over ${apiKeys.length} API keys`,
        settings,
      ),
      capRow(
        'memory.idempotency-keys.cap',
        '  idempotency records over the cap',
        Math.max(0, records - cap),
        `${formatCount(records)} kept; cap ${formatCount(cap)} (${formatCount(perApiKey)}/API key, ${formatCount(total)} overall); notifications kept ≤ ${formatCount(DEFAULT_STORE_LIMITS.notificationsPerEnvironment)}/environment`,
        { idempotencyRecords: records, cap },
      ),
    ];
  } finally {
    await server.stop();
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : ''}${n.toFixed(1)}`;
}
