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
// answers the reference server's own ping bytes. The callers (with them the client without a
// timeout, and plain openapi-fetch: what the library under the client costs by itself) take
// turns in batches, in an order
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
  full: { warmupCalls: 3_000, rounds: 16, callsPerBatch: 400 },
  tiny: { warmupCalls: 100, rounds: 2, callsPerBatch: 50 },
};

export async function measureClient(settings: Settings): Promise<Row[]> {
  return [...(await measureOverhead(settings)), ...(await measureBundles())];
}

type Callers = Record<'bare' | 'herald' | 'untimed' | 'openapiFetch', () => Promise<unknown>>;

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
  const key = reference.keys.HERALD_API_KEY;
  let networked: Rounds;
  let networkless: Rounds;
  try {
    networked = await interleave(callersFor(`${bare.origin}/v1`, key), size);
  } finally {
    await bare.stop();
  }
  // The same callers with fetch answering the canned response at once (after building the
  // Request it would send, so that what a signal costs fetch is still counted): no network, no
  // server, far less noise; what is left is what the callers themselves cost.
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    new Request(input, init);
    return new Response(canned.body, { status: canned.status, headers: canned.headers });
  };
  try {
    networkless = await interleave(callersFor('http://127.0.0.1:9/v1', key), size);
  } finally {
    globalThis.fetch = realFetch;
  }

  const method = `CPU time of the calling process per call (process.cpuUsage), ${size.rounds} rotating rounds of ${size.callsPerBatch} sequential calls each after ${size.warmupCalls} warm-up calls; median of per-round differences with the bare fetch`;
  const row = (id: string, name: string, caller: keyof Callers, note = '') => {
    const { micros, ratio, min, max } = networked.over(caller);
    return {
      group: 7,
      id,
      name,
      figure: `${signed(micros)} µs CPU/call (${ratio.toFixed(2)}× bare; rounds ${signed(min)} to ${signed(max)}; network left out ${signed(networkless.over(caller).micros)} µs)${note}`,
      values: { overheadMicros: round(micros), ratio: round(ratio), minMicros: round(min), maxMicros: round(max), networklessOverheadMicros: round(networkless.over(caller).micros) },
      method,
    };
  };
  const overhead = networked.over('herald').micros;
  return [
    infoRow({
      group: 7,
      id: 'client.bare-fetch',
      name: 'bare fetch + .json(), GET /v1/ping',
      figure: `${networked.bareMicros.toFixed(1)} µs CPU/call (network left out ${networkless.bareMicros.toFixed(1)} µs)`,
      values: { cpuMicrosPerCall: round(networked.bareMicros), networklessCpuMicrosPerCall: round(networkless.bareMicros) },
      method,
    }),
    infoRow(row('client.openapi-fetch', '  plain openapi-fetch, beyond the bare fetch', 'openapiFetch')),
    infoRow(row('client.overhead.no-timeout', '  herald.GET, timeoutMs: Infinity, beyond it', 'untimed')),
    judgedRow({ ...row('client.overhead', '  herald.GET, beyond the bare fetch', 'herald'), ratio: round(overhead), comparedWith: null, target: TARGETS.overheadMicros }),
  ];
}

function callersFor(baseUrl: string, key: string): Callers {
  const headers = credentialHeaders('Bearer', key);
  const herald = createHeraldClient({ baseUrl, apiKey: key, scheme: 'Bearer' });
  const untimed = createHeraldClient({ baseUrl, apiKey: key, scheme: 'Bearer', timeoutMs: Infinity });
  const plain = createClient<paths>({ baseUrl, headers });
  const ok = ({ error }: { error?: unknown }) => {
    if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  };
  return {
    bare: async () => (await fetch(`${baseUrl}/ping`, { headers })).json(),
    herald: async () => ok(await herald.GET('/ping')),
    untimed: async () => ok(await untimed.GET('/ping')),
    openapiFetch: async () => ok(await plain.GET('/ping')),
  };
}

interface Rounds {
  bareMicros: number;
  /** A caller's CPU per call beyond the bare fetch's: median and range of the per-round differences, median ratio. */
  over(caller: keyof Callers): { micros: number; ratio: number; min: number; max: number };
}

/** The callers take turns, one batch each per round, in an order that rotates every round. */
async function interleave(callers: Callers, size: (typeof SIZES)['full']): Promise<Rounds> {
  const names = Object.keys(callers) as Array<keyof Callers>;
  for (const name of names) await cpuPerCall(callers[name], size.warmupCalls);
  const perRound = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<keyof Callers, number[]>;
  for (let round = 0; round < size.rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      perRound[name].push(await cpuPerCall(callers[name], size.callsPerBatch));
    }
  }
  return {
    bareMicros: median(perRound.bare),
    over(caller) {
      const differences = perRound[caller].map((micros, round) => micros - perRound.bare[round]);
      return {
        micros: median(differences),
        ratio: median(perRound[caller].map((micros, round) => micros / perRound.bare[round])),
        min: Math.min(...differences),
        max: Math.max(...differences),
      };
    },
  };
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
