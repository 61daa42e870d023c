import { measureInterleaved, type TargetFigures } from '../lib/interleave.ts';
import { atLeast, formatCount, formatMs, verdict, type Row, type Target } from '../lib/report.ts';
import { capture, startBareServer, startPrism, startReferenceServer } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';

// Row 1: reference server throughput on GET /v1/ping, authenticated with each of the three
// header forms, beside an unauthenticated route of the same server (/health: the cost of
// authentication), a bare node:http server sending the very bytes of the ping response (the
// most Node does here) and Prism mocking the same spec (what users would use instead).

export const TARGETS = {
  vsHealth: atLeast(0.9),
  vsBare: atLeast(0.75),
  vsPrism: atLeast(20),
};

export async function measureThroughput(settings: Settings): Promise<Row[]> {
  const reference = await startReferenceServer();
  const stops: Array<() => Promise<void>> = [() => reference.stop()];
  try {
    const key = reference.keys.HERALD_API_KEY;
    const forms: Array<{ id: string; label: string; headers: Record<string, string> }> = [
      { id: 'apikey', label: 'Authorization: ApiKey', headers: { Authorization: `ApiKey ${key}` } },
      { id: 'bearer', label: 'Authorization: Bearer', headers: { Authorization: `Bearer ${key}` } },
      { id: 'x-api-key', label: 'X-API-Key', headers: { 'X-API-Key': key } },
    ];
    const pingUrl = `${reference.baseUrl}/ping`;

    // The bare server replays the reference server's own answer to the first form.
    const canned = await capture(pingUrl, forms[0].headers);
    if (canned.status !== 200) throw new Error(`GET /v1/ping answered ${canned.status}, not 200: ${canned.body.slice(0, 300)}`);
    const bare = await startBareServer(canned);
    stops.push(() => bare.stop());
    const replayed = await capture(`${bare.origin}/v1/ping`, forms[0].headers);
    if (replayed.body !== canned.body || replayed.status !== canned.status) throw new Error('the bare server does not answer the same bytes');

    const prism = await startPrism();
    stops.push(() => prism.stop());
    // Prism serves the spec's paths without the server URL's base path (/v1).
    const prismPingUrl = `${prism.origin}${pingUrl.slice(reference.baseUrl.length)}`;
    const prismStatus = (await fetch(prismPingUrl, { headers: forms[0].headers })).status;
    if (prismStatus !== 200) throw new Error(`Prism answered GET /ping with ${prismStatus}`);

    const measured = await measureInterleaved(
      [
        ...forms.map((form) => ({ name: form.id, load: { url: pingUrl, headers: form.headers, expectStatus: 200 }, serverPid: reference.pid })),
        // The same request bytes (the ApiKey form's header) to every comparison target.
        { name: 'health', load: { url: `${reference.origin}/health`, headers: forms[0].headers, expectStatus: 200 }, serverPid: reference.pid },
        { name: 'bare', load: { url: `${bare.origin}/v1/ping`, headers: forms[0].headers, expectStatus: 200 }, serverPid: bare.pid },
        { name: 'prism', load: { url: prismPingUrl, headers: forms[0].headers, expectStatus: 200 }, serverPid: prism.pid },
      ],
      settings,
    );

    const how = `autocannon ${settings.connections} conn, ${settings.rounds}×${settings.sliceSeconds} s interleaved`;
    const figureRow = (id: string, name: string, figures: TargetFigures): Row => ({
      group: 1,
      id: `throughput.${id}`,
      name,
      figure: describe(figures),
      values: values(figures),
      method: how,
      ratio: null,
      comparedWith: null,
      target: null,
      result: 'info',
    });
    const get = (name: string) => measured.targets.get(name) as TargetFigures;
    const rows: Row[] = [
      figureRow('health', 'GET /health (same server, no auth)', get('health')),
      figureRow('bare-node-http', 'bare node:http, same bytes', get('bare')),
      figureRow('prism', `Prism mock (prism mock, ${prismStartup(prism.startupMs)})`, get('prism')),
    ];
    const comparisons: Array<[string, string, string, Target]> = [
      ['health', 'vs-health', '÷ /health', TARGETS.vsHealth],
      ['bare', 'vs-bare-node-http', '÷ node:http', TARGETS.vsBare],
      ['prism', 'vs-prism', '÷ Prism', TARGETS.vsPrism],
    ];
    for (const form of forms) {
      const own = get(form.id);
      rows.push(figureRow(`ping-${form.id}`, `GET /v1/ping, ${form.label}`, own));
      for (const [other, suffix, label, target] of comparisons) {
        const ratio = measured.ratio(form.id, other);
        rows.push({
          group: 1,
          id: `throughput.ping-${form.id}.${suffix}`,
          name: `  ping (${form.label}) ${label}`,
          figure: `per-round ${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)}`,
          values: { ratioMedian: ratio.median, ratioMin: ratio.min, ratioMax: ratio.max },
          method: `median of ${settings.rounds} per-round ratios of req/s`,
          ratio: ratio.median,
          comparedWith: label,
          target,
          result: verdict(target, ratio.median),
        });
      }
    }
    return rows;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

function describe(figures: TargetFigures): string {
  const cpu =
    figures.serverCpu === null
      ? ''
      : ` · server ${Math.round(figures.serverCpu * 100)}% CPU, ${figures.serverCpuMicrosPerRequest?.toFixed(0)} µs CPU/req`;
  return `${formatCount(figures.requestsPerSecond)} req/s · p50 ${formatMs(figures.p50Ms)} · p99 ${formatMs(figures.p99Ms)}${cpu}`;
}

function values(figures: TargetFigures): Record<string, number | null> {
  return {
    requestsPerSecond: Math.round(figures.requestsPerSecond),
    p50Ms: figures.p50Ms,
    p99Ms: figures.p99Ms,
    serverCpuShare: figures.serverCpu === null ? null : Math.round(figures.serverCpu * 100) / 100,
    serverCpuMicrosPerRequest: figures.serverCpuMicrosPerRequest === null ? null : Math.round(figures.serverCpuMicrosPerRequest * 10) / 10,
    clientCpuShare: Math.round(figures.clientCpu * 100) / 100,
    responses: figures.responses,
  };
}

function prismStartup(ms: number): string {
  return `up in ${(ms / 1000).toFixed(1)} s`;
}
