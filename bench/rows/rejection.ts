import { comparisonRow, describeTarget, targetValues } from '../lib/comparison.ts';
import { credentialHeaders } from '../lib/contract.ts';
import { measureInterleaved, type TargetFigures } from '../lib/interleave.ts';
import { unknownKeyLike, withBrokenChecksum } from '../lib/keys.ts';
import { atLeast, formatCount, infoRow, judgedRow, valueEquals, type Row } from '../lib/report.ts';
import { startReferenceServer } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';

// Row 2: what a refused key costs, beside an accepted one. A malformed key (bad checksum) must
// be refused before the store is consulted and no slower than a valid key is served; an unknown
// well-formed key costs one lookup and must not be slower either. The failed-auth throttle is
// lifted (--failed-auth-limit huge) so that rejection is measured, not throttling.

const TARGETS = {
  malformedVsValid: atLeast(1.0),
  unknownVsValid: atLeast(1.0),
  malformedLookups: valueEquals(0),
};

export async function measureRejection(settings: Settings): Promise<Row[]> {
  const server = await startReferenceServer();
  try {
    const valid = server.keys.HERALD_API_KEY;
    const malformed = withBrokenChecksum(valid);
    const unknown = unknownKeyLike(valid);
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
        load: { url, headers: credentialHeaders('ApiKey', kind.key), expectStatus: kind.expectStatus },
        serverPid: server.pid,
        beforeSlice: async () => {
          before = (await server.stats()).storeLookups;
        },
        afterSlice: async (figures) => {
          const after = (await server.stats()).storeLookups;
          const own = lookups.get(kind.name) as { lookups: number; served: number };
          own.lookups += after - before;
          own.served += figures.responses;
        },
      })),
      settings,
    );
    const unknownCount = lookups.get('unknown') as { lookups: number; served: number };
    // Each unknown key must reach the store once; fewer lookups would mean the server took the
    // bench's well-formed key for a malformed one, and the row would measure the wrong thing.
    if (unknownCount.lookups < unknownCount.served) {
      throw new Error(`the unknown well-formed key caused ${unknownCount.lookups} lookups for ${unknownCount.served} responses`);
    }
    const how = `autocannon ${settings.connections} connections, ${settings.rounds} interleaved ${settings.sliceSeconds} s slices; lookups from the server's counter`;
    const figureRow = (name: string, label: string): Row => {
      const figures = measured.targets.get(name) as TargetFigures;
      const own = lookups.get(name) as { lookups: number; served: number };
      return infoRow({
        group: 2,
        id: `rejection.${name}`,
        name: label,
        figure: `${describeTarget(figures)} · ${formatCount(own.lookups)} lookups / ${formatCount(own.served)} responses`,
        values: { ...targetValues(figures), storeLookups: own.lookups, lookupsPerResponse: Math.round((own.lookups / own.served) * 1000) / 1000 },
        method: how,
      });
    };
    const malformedLookups = (lookups.get('malformed') as { lookups: number }).lookups;
    return [
      figureRow('valid', 'valid key → 200'),
      figureRow('malformed', 'malformed key (bad checksum) → 401'),
      comparisonRow(measured, settings, {
        group: 2,
        id: 'rejection.malformed.vs-valid',
        name: '  malformed ÷ valid',
        numerator: 'malformed',
        denominator: 'valid',
        comparedWith: '÷ valid',
        target: TARGETS.malformedVsValid,
      }),
      judgedRow({
        group: 2,
        id: 'rejection.malformed.lookups',
        name: '  store lookups for malformed keys',
        figure: `${formatCount(malformedLookups)} in ${formatCount((lookups.get('malformed') as { served: number }).served)} responses`,
        values: { storeLookups: malformedLookups },
        method: "the server's lookup counter before and after each slice",
        ratio: malformedLookups,
        comparedWith: null,
        target: TARGETS.malformedLookups,
      }),
      figureRow('unknown', 'unknown well-formed key → 401'),
      comparisonRow(measured, settings, {
        group: 2,
        id: 'rejection.unknown.vs-valid',
        name: '  unknown ÷ valid',
        numerator: 'unknown',
        denominator: 'valid',
        comparedWith: '÷ valid',
        target: TARGETS.unknownVsValid,
      }),
    ];
  } finally {
    await server.stop();
  }
}
