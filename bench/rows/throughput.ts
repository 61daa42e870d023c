import { AUTH_SCHEMES } from '../../client/credentials.ts';
import { comparisonRow, describeTarget, targetValues } from '../lib/comparison.ts';
import { credentialHeaders } from '../lib/contract.ts';
import { measureInterleaved, type TargetFigures } from '../lib/interleave.ts';
import { atLeast, infoRow, type Row, type Target } from '../lib/report.ts';
import { capture, startBareServer, startPrism, startReferenceServer } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';

// Row 1: reference server throughput on GET /v1/ping, authenticated with each of the three
// header forms, beside an unauthenticated route of the same server (/health: the cost of
// authentication), a bare node:http server sending the very bytes of the ping response (the
// most Node does here) and Prism mocking the same spec (what users would use instead).

const TARGETS = {
  vsHealth: atLeast(0.9),
  vsBare: atLeast(0.75),
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

    const how = `autocannon ${settings.connections} connections, ${settings.rounds} interleaved ${settings.sliceSeconds} s slices`;
    const figureRow = (id: string, name: string, figures: TargetFigures): Row =>
      infoRow({ group: 1, id: `throughput.${id}`, name, figure: describeTarget(figures), values: targetValues(figures), method: how });
    const get = (name: string) => measured.targets.get(name) as TargetFigures;
    const rows: Row[] = [
      figureRow('health', 'GET /health (same server, no auth)', get('health')),
      figureRow('bare-node-http', 'bare node:http, same bytes', get('bare')),
      figureRow('prism', `Prism mock (up in ${(prism.startupMs / 1000).toFixed(1)} s)`, get('prism')),
    ];
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
          numerator: 'bare',
          denominator: other,
          comparedWith: label,
          target: null,
        }),
      );
    }
    const comparisons: Array<[string, string, string, Target]> = [
      ['health', 'vs-health', '÷ /health', TARGETS.vsHealth],
      ['bare', 'vs-bare-node-http', '÷ node:http', TARGETS.vsBare],
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
