import { AUTH_SCHEMES } from '../../client/credentials.ts';
import { comparisonRow, describeTarget, targetValues } from '../lib/comparison.ts';
import { credentialHeaders } from '../lib/contract.ts';
import { measureInterleaved, type TargetFigures } from '../lib/interleave.ts';
import { atLeast, infoRow, type Row, type Target } from '../lib/report.ts';
import { BARE_WAYS, capture, startBareServer, startPrism, startReferenceServer, type BareWay } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';

// Row 1: reference server throughput on GET /v1/ping, authenticated with each of the three
// header forms, beside the honest limit of Node here: the fastest plain node:http server sending
// the very bytes of the ping response. "Fastest" is measured, not assumed: the bare server runs in
// each of the ways node:http can be handed a response (bare-http-server.mjs), side by side with
// the rest, and the way with the most requests per server CPU-second in this run is the baseline.
// Also measured: an unauthenticated route of the same server (/health: the framework around the
// API) and Prism mocking the same spec (what users would use instead).

const TARGETS = {
  vsBare: atLeast(0.9),
  vsHealth: atLeast(0.9),
  vsPrism: atLeast(20),
};

export async function measureThroughput(settings: Settings): Promise<Row[]> {
  const reference = await startReferenceServer();
  const stops: Array<() => Promise<void>> = [() => reference.stop()];
  try {
    const key = reference.keys.HERALD_API_KEY;
    // The three forms of the key, each in the header the spec's security scheme names.
    const forms = AUTH_SCHEMES.map((form) => {
      const headers = credentialHeaders(form, key);
      const [header] = Object.keys(headers);
      return { id: form.toLowerCase(), label: header === form ? header : `${header}: ${form}`, headers };
    });
    const pingUrl = `${reference.baseUrl}/ping`;

    // The bare servers replay the reference server's own answer to the first form.
    const canned = await capture(pingUrl, forms[0].headers);
    if (canned.status !== 200) throw new Error(`GET /v1/ping answered ${canned.status}, not 200: ${canned.body.slice(0, 300)}`);
    const bare = new Map<BareWay, { origin: string; pid: number }>();
    for (const way of BARE_WAYS) {
      const server = await startBareServer(canned, way);
      stops.push(() => server.stop());
      const replayed = await capture(`${server.origin}/v1/ping`, forms[0].headers);
      if (replayed.body !== canned.body || replayed.status !== canned.status || JSON.stringify(replayed.headers) !== JSON.stringify(canned.headers)) {
        throw new Error(`the bare server (${way}) does not answer the same bytes`);
      }
      bare.set(way, server);
    }

    const prism = await startPrism();
    stops.push(() => prism.stop());
    const prismPingUrl = `${prism.baseUrl}/ping`;
    const prismStatus = (await fetch(prismPingUrl, { headers: forms[0].headers })).status;
    if (prismStatus !== 200) throw new Error(`Prism answered GET /v1/ping with ${prismStatus}`);

    const measured = await measureInterleaved(
      [
        ...forms.map((form) => ({ name: form.id, load: { url: pingUrl, headers: form.headers, expectStatus: 200 }, serverPid: reference.pid })),
        // The same request bytes (the ApiKey form's header) to every comparison target.
        { name: 'health', load: { url: `${reference.origin}/health`, headers: forms[0].headers, expectStatus: 200 }, serverPid: reference.pid },
        ...[...bare].map(([way, server]) => ({
          name: `bare-${way}`,
          load: { url: `${server.origin}/v1/ping`, headers: forms[0].headers, expectStatus: 200 },
          serverPid: server.pid,
        })),
        { name: 'prism', load: { url: prismPingUrl, headers: forms[0].headers, expectStatus: 200 }, serverPid: prism.pid },
      ],
      settings,
    );

    const how = `autocannon ${settings.connections} connections, ${settings.rounds} interleaved ${settings.sliceSeconds} s slices`;
    const figureRow = (id: string, name: string, figures: TargetFigures): Row =>
      infoRow({ group: 1, id: `throughput.${id}`, name, figure: describeTarget(figures), values: targetValues(figures), method: how });
    const get = (name: string) => measured.targets.get(name) as TargetFigures;

    // The baseline: the way of sending the bytes that costs the server least CPU per response
    // (or, without /proc, serves the most requests per second).
    const cost = (way: BareWay) => {
      const figures = get(`bare-${way}`);
      return figures.serverCpuMicrosPerRequest ?? 1 / figures.requestsPerSecond;
    };
    const fastest = [...BARE_WAYS].sort((a, b) => cost(a) - cost(b))[0];
    const baseline = `bare-${fastest}`;

    const rows: Row[] = [
      figureRow('health', 'GET /health (same server, no auth)', get('health')),
      figureRow('bare-node-http', `bare node:http, same bytes (fastest way: ${fastest})`, get(baseline)),
    ];
    for (const way of BARE_WAYS) {
      if (way === fastest) continue;
      rows.push(
        comparisonRow(measured, settings, {
          group: 1,
          id: `throughput.bare-node-http.${way}`,
          name: `  bare node:http written as ${way} ÷ ${fastest}`,
          numerator: `bare-${way}`,
          denominator: baseline,
          comparedWith: `÷ ${fastest}`,
          target: null,
        }),
      );
    }
    rows.push(figureRow('prism', `Prism mock (up in ${(prism.startupMs / 1000).toFixed(1)} s)`, get('prism')));
    // What a server that does no work at all, but sends the ping's bytes, reaches against the
    // same comparisons: the ceiling any implementation of the ping has on this machine.
    for (const [other, suffix, label] of [
      ['health', 'vs-health', '÷ /health'],
      ['prism', 'vs-prism', '÷ Prism'],
    ] as const) {
      rows.push(
        comparisonRow(measured, settings, {
          group: 1,
          id: `throughput.bare-node-http.${suffix}`,
          name: `  ceiling: node:http ${label}`,
          numerator: baseline,
          denominator: other,
          comparedWith: label,
          target: null,
        }),
      );
    }
    const comparisons: Array<[string, string, string, Target]> = [
      [baseline, 'vs-bare-node-http', '÷ node:http', TARGETS.vsBare],
      ['health', 'vs-health', '÷ /health', TARGETS.vsHealth],
      ['prism', 'vs-prism', '÷ Prism', TARGETS.vsPrism],
    ];
    for (const form of forms) {
      rows.push(figureRow(`ping-${form.id}`, `GET /v1/ping, ${form.label}`, get(form.id)));
      for (const [other, suffix, label, target] of comparisons) {
        rows.push(
          comparisonRow(measured, settings, {
            group: 1,
            id: `throughput.ping-${form.id}.${suffix}`,
            name: `  ping (${form.label}) ${label}`,
            numerator: form.id,
            denominator: other,
            comparedWith: label,
            target,
          }),
        );
      }
    }
    return rows;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
