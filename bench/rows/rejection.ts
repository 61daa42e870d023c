import { measureInterleaved, type TargetFigures } from '../lib/interleave.ts';
import { withBrokenChecksum, unknownKeyGenerator } from '../lib/keys.ts';
import { atLeast, formatCount, formatMs, valueEquals, verdict, type Row } from '../lib/report.ts';
import { startReferenceServer } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';

// Row 2: what a refused key costs, beside an accepted one. A malformed key (bad checksum) must
// be refused before the store is consulted and no slower than a valid key is served; an unknown
// well-formed key costs one lookup and must not be slower either. The failed-auth throttle is
// lifted (--failed-auth-limit huge) so that rejection is measured, not throttling.

export const TARGETS = {
  malformedVsValid: atLeast(1.0),
  unknownVsValid: atLeast(1.0),
  malformedLookups: valueEquals(0),
};

export async function measureRejection(settings: Settings): Promise<Row[]> {
  const server = await startReferenceServer();
  try {
    const valid = server.keys.HERALD_API_KEY;
    const malformed = withBrokenChecksum(valid);
    const unknown = unknownKeyGenerator()();
    const url = `${server.baseUrl}/ping`;
    const kinds = [
      { name: 'valid', key: valid, expectStatus: 200 },
      { name: 'malformed', key: malformed, expectStatus: 401 },
      { name: 'unknown', key: unknown, expectStatus: 401 },
    ];
    // Store lookups during each measured slice, read from the server's counter around it.
    const lookups = new Map<string, { lookups: number; served: number }>(kinds.map((k) => [k.name, { lookups: 0, served: 0 }]));
    let before = 0;
    const measured = await measureInterleaved(
      kinds.map((kind) => ({
        name: kind.name,
        load: { url, headers: { Authorization: `ApiKey ${kind.key}` }, expectStatus: kind.expectStatus },
        serverPid: server.pid,
        beforeSlice: async () => {
          before = (await server.stats()).stats.storeLookups;
        },
        afterSlice: async (figures) => {
          const after = (await server.stats()).stats.storeLookups;
          const own = lookups.get(kind.name) as { lookups: number; served: number };
          own.lookups += after - before;
          own.served += figures.responses;
        },
      })),
      settings,
    );
    const how = `autocannon ${settings.connections} conn, ${settings.rounds}×${settings.sliceSeconds} s interleaved; lookups from the server's counter`;
    const get = (name: string) => measured.targets.get(name) as TargetFigures;
    const describe = (name: string) => {
      const figures = get(name);
      const own = lookups.get(name) as { lookups: number; served: number };
      return {
        figure: `${formatCount(figures.requestsPerSecond)} req/s · p50 ${formatMs(figures.p50Ms)} · p99 ${formatMs(figures.p99Ms)} · ${formatCount(own.lookups)} lookups for ${formatCount(own.served)} responses`,
        values: {
          requestsPerSecond: Math.round(figures.requestsPerSecond),
          p50Ms: figures.p50Ms,
          p99Ms: figures.p99Ms,
          storeLookups: own.lookups,
          responses: own.served,
          serverCpuMicrosPerRequest: figures.serverCpuMicrosPerRequest === null ? null : Math.round(figures.serverCpuMicrosPerRequest * 10) / 10,
        },
      };
    };
    const malformedRatio = measured.ratio('malformed', 'valid');
    const unknownRatio = measured.ratio('unknown', 'valid');
    const malformedLookups = (lookups.get('malformed') as { lookups: number }).lookups;
    const unknownCount = lookups.get('unknown') as { lookups: number; served: number };
    // Each unknown key must reach the store once; fewer lookups would mean the server took the
    // bench's well-formed key for a malformed one, and the row would measure the wrong thing.
    if (unknownCount.lookups < unknownCount.served) {
      throw new Error(`the unknown well-formed key caused ${unknownCount.lookups} lookups for ${unknownCount.served} responses`);
    }
    return [
      { group: 2, id: 'rejection.valid', name: 'valid key → 200', ...describe('valid'), method: how, ratio: null, comparedWith: null, target: null, result: 'info' },
      {
        group: 2,
        id: 'rejection.malformed',
        name: 'malformed key (bad checksum) → 401',
        ...describe('malformed'),
        method: `${how}; median of per-round ratios`,
        ratio: malformedRatio.median,
        comparedWith: '÷ valid',
        target: TARGETS.malformedVsValid,
        result: verdict(TARGETS.malformedVsValid, malformedRatio.median),
      },
      {
        group: 2,
        id: 'rejection.malformed.lookups',
        name: '  store lookups for malformed keys',
        figure: `${formatCount(malformedLookups)}`,
        values: { storeLookups: malformedLookups },
        method: "the server's lookup counter before and after each slice",
        ratio: malformedLookups,
        comparedWith: null,
        target: TARGETS.malformedLookups,
        result: verdict(TARGETS.malformedLookups, malformedLookups),
      },
      {
        group: 2,
        id: 'rejection.unknown',
        name: 'unknown well-formed key → 401',
        ...describe('unknown'),
        method: `${how}; median of per-round ratios`,
        ratio: unknownRatio.median,
        comparedWith: '÷ valid',
        target: TARGETS.unknownVsValid,
        result: verdict(TARGETS.unknownVsValid, unknownRatio.median),
      },
    ];
  } finally {
    await server.stop();
  }
}
