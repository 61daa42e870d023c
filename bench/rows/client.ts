import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import createClient from 'openapi-fetch';
import { credentialHeaders } from '../lib/contract.ts';
import { infoRow, judgedRow, valueAtMost, type Row } from '../lib/report.ts';
import { capture, startBareServer, startReferenceServer } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import { median } from '../lib/stats.ts';
import { createHeraldClient } from '../../client/index.ts';
import type { paths } from '../../generated/types/openapi.js';

// Row 7: @herald/client. (a) What the client costs per call beyond the request itself: the CPU
// time of this process per `herald.GET('/ping')` minus that of a bare `fetch` + `.json()` of the
// same URL with the same key header, against a bare node:http server in its own process that
// answers the reference server's own ping bytes. The three callers (and plain openapi-fetch, to
// show what the library under the client costs by itself) take turns in batches, in an order
// that rotates each round; the figure is the median of the per-round differences. (b) The size
// of each entry point bundled with openapi-fetch, minified and gzipped, as bundlephobia reports
// a package: esbuild bundles the entry's sources (what `npm run build` compiles, types aside)
// for a neutral platform, gzip at level 9.

const TARGETS = { overheadMicros: valueAtMost(5, 'µs'), bundleKiB: valueAtMost(10, 'kB') };
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES = [
  { id: 'client.bundle', name: '@herald/client bundle (with openapi-fetch), min+gzip', entry: 'client/index.ts', judged: true },
  { id: 'client.bundle.sdk', name: '@herald/client/sdk bundle, min+gzip', entry: 'client/sdk.ts', judged: false },
];
const SIZES = {
  full: { warmupCalls: 3_000, rounds: 30, callsPerBatch: 400 },
  tiny: { warmupCalls: 100, rounds: 2, callsPerBatch: 50 },
};

export async function measureClient(settings: Settings): Promise<Row[]> {
  return [...(await measureOverhead(settings)), ...(await measureBundles())];
}

async function measureOverhead(settings: Settings): Promise<Row[]> {
  const size = SIZES[settings.mode];
  const reference = await startReferenceServer();
  let canned;
  try {
    canned = await capture(`${reference.baseUrl}/ping`, credentialHeaders('Bearer', reference.keys.HERALD_API_KEY));
  } finally {
    await reference.stop();
  }
  if (canned.status !== 200) throw new Error(`GET /v1/ping answered ${canned.status}, not 200`);
  const bare = await startBareServer(canned);
  try {
    const baseUrl = `${bare.origin}/v1`;
    const key = reference.keys.HERALD_API_KEY;
    const headers = credentialHeaders('Bearer', key);
    const herald = createHeraldClient({ baseUrl, apiKey: key, scheme: 'Bearer' });
    const plain = createClient<paths>({ baseUrl, headers });
    const callers: Record<string, () => Promise<unknown>> = {
      bare: async () => (await fetch(`${baseUrl}/ping`, { headers })).json(),
      herald: async () => {
        const { error } = await herald.GET('/ping');
        if (error) throw error;
      },
      openapiFetch: async () => {
        const { error } = await plain.GET('/ping');
        if (error) throw new Error(`plain openapi-fetch: ${JSON.stringify(error)}`);
      },
    };
    const names = Object.keys(callers);
    for (const name of names) await cpuPerCall(callers[name], size.warmupCalls);
    const perRound: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < size.rounds; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length];
        perRound[name].push(await cpuPerCall(callers[name], size.callsPerBatch));
      }
    }
    const over = (name: string) => perRound[name].map((micros, round) => micros - perRound.bare[round]);
    const ratio = (name: string) => median(perRound[name].map((micros, round) => micros / perRound.bare[round]));
    const overhead = median(over('herald'));
    const library = median(over('openapiFetch'));
    const bareMicros = median(perRound.bare);
    const spread = over('herald');
    const method = `CPU time of the calling process per call (process.cpuUsage), ${size.rounds} rotating rounds of ${size.callsPerBatch} sequential calls each after ${size.warmupCalls} warm-up calls; median of per-round differences with the bare fetch`;
    return [
      infoRow({
        group: 7,
        id: 'client.bare-fetch',
        name: 'bare fetch + .json(), GET /v1/ping',
        figure: `${bareMicros.toFixed(1)} µs CPU/call`,
        values: { cpuMicrosPerCall: round(bareMicros) },
        method,
      }),
      infoRow({
        group: 7,
        id: 'client.openapi-fetch',
        name: '  plain openapi-fetch, beyond the bare fetch',
        figure: `${signed(library)} µs CPU/call (${ratio('openapiFetch').toFixed(2)}× bare)`,
        values: { overheadMicros: round(library), ratio: round(ratio('openapiFetch')) },
        method,
      }),
      judgedRow({
        group: 7,
        id: 'client.overhead',
        name: '  herald.GET, beyond the bare fetch',
        figure: `${signed(overhead)} µs CPU/call (${ratio('herald').toFixed(2)}× bare; rounds ${signed(Math.min(...spread))} to ${signed(Math.max(...spread))})`,
        values: { overheadMicros: round(overhead), ratio: round(ratio('herald')), minMicros: round(Math.min(...spread)), maxMicros: round(Math.max(...spread)) },
        method,
        ratio: round(overhead),
        comparedWith: null,
        target: TARGETS.overheadMicros,
      }),
    ];
  } finally {
    await bare.stop();
  }
}

async function measureBundles(): Promise<Row[]> {
  const openapiFetch = await gzippedBundle('export { default } from "openapi-fetch";', true);
  return Promise.all(ENTRIES.map(async ({ id, name, entry, judged }) => {
    const bytes = await gzippedBundle(entry, false);
    const kib = bytes / 1024;
    const row = {
      group: 7,
      id,
      name,
      figure: `${kib.toFixed(1)} kB (${(openapiFetch / 1024).toFixed(1)} kB of it openapi-fetch's)`,
      values: { gzipBytes: bytes, openapiFetchGzipBytes: openapiFetch },
      method: 'esbuild --bundle --minify --format=esm --platform=neutral of the entry source with its dependencies, gzip -9; kB = 1,024 bytes',
    };
    return judged ? judgedRow({ ...row, ratio: round(kib), comparedWith: null, target: TARGETS.bundleKiB }) : infoRow(row);
  }));
}

/** The bundle of an entry file (or of the given source), minified, gzipped at level 9, in bytes. */
async function gzippedBundle(entryOrSource: string, isSource: boolean): Promise<number> {
  const result = await build({
    ...(isSource ? { stdin: { contents: entryOrSource, resolveDir: REPO, loader: 'js' as const } } : { entryPoints: [`${REPO}${entryOrSource}`] }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
}

async function cpuPerCall(call: () => Promise<unknown>, calls: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const round = (n: number) => Math.round(n * 100) / 100;
const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`;
