import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Contract } from '../src/spec/contract.ts';
import { header, json, withJson, type Fault, type FaultContext, type ProxiedRequest, type ProxiedResponse } from './fault-proxy.ts';

/**
 * Broken implementations of what v1.1 added: leaked-key reports and key-lifecycle webhooks.
 * Report faults act on the report in flight. Webhook faults need the deliveries themselves,
 * which go from the server to the suite's receiver, not through the proxy: the proxy registers
 * every endpoint at a relay of its own (`/_relay/<id>` on the proxy, which the reference server
 * may deliver to: it is on loopback) and passes each delivery on to the receiver, broken.
 */
const contract = Contract.load();
const RELAY = '/_relay/';
const ONLY_NEW_RULES = ['--fuzz-runs', '0', '--only', 'webhooks,leaks'];

function reporterSignature(ctx: FaultContext, body: Buffer): string {
  const key = createPrivateKey({ key: Buffer.from(ctx.keys.HERALD_REPORTER_PRIVATE_KEY, 'base64'), format: 'der', type: 'pkcs8' });
  return sign('sha256', body, key).toString('base64');
}

const isReport = (req: ProxiedRequest) => req.method === 'POST' && req.url.split('?')[0].endsWith('/secret-scanning/reports');

interface Relay {
  target: string;
  secret?: string;
}

function relays(ctx: FaultContext): Map<string, Relay> {
  if (!ctx.memory.has('relays')) ctx.memory.set('relays', new Map<string, Relay>());
  return ctx.memory.get('relays') as Map<string, Relay>;
}

function keySecrets(ctx: FaultContext): Map<string, string> {
  if (!ctx.memory.has('key-secrets')) ctx.memory.set('key-secrets', new Map<string, string>());
  return ctx.memory.get('key-secrets') as Map<string, string>;
}

/**
 * The relay: endpoints are created pointing at the proxy, deliveries are passed on after
 * `tamper` (which may re-sign with the endpoint's secret, which the proxy saw at creation).
 */
function relayFault(name: string, breaks: string, caughtBy: string[], tamper: (delivery: { headers: Record<string, string>; body: string }, relay: Relay, ctx: FaultContext) => void): Fault {
  return {
    name,
    breaks,
    caughtBy,
    args: ONLY_NEW_RULES,
    onRequest: async (req, ctx) => {
      const path = req.url.split('?')[0];
      if (path.startsWith(RELAY)) return passOn(req, ctx, tamper);
      if (req.method === 'POST' && path.endsWith('/webhook-endpoints')) {
        const body = json(req);
        if (!body || typeof body.url !== 'string') return undefined;
        const id = randomBytes(9).toString('base64url');
        relays(ctx).set(id, { target: body.url });
        body.url = `http://${header(req, 'host')}${RELAY}${id}`;
        req.body = Buffer.from(JSON.stringify(body));
      }
      return undefined;
    },
    onResponse: (res, req, ctx) => {
      const path = req.url.split('?')[0];
      const data = json(res)?.data;
      if (req.method === 'POST' && path.endsWith('/api-keys') && typeof data?.secret === 'string') keySecrets(ctx).set(data.id, data.secret);
      if (req.method === 'POST' && path.endsWith('/webhook-endpoints') && typeof data?.secret === 'string') {
        const id = String(json(req)?.url ?? '').split(RELAY)[1];
        const relay = relays(ctx).get(id);
        if (relay) relay.secret = data.secret;
        // The suite registered its receiver: show it the URL it asked for.
        if (relay) return withJson(res, { ...json(res), data: { ...data, url: relay.target } });
      }
      return undefined;
    },
  };
}

async function passOn(req: ProxiedRequest, ctx: FaultContext, tamper: Parameters<typeof relayFault>[3]): Promise<ProxiedResponse> {
  const relay = relays(ctx).get(req.url.split('?')[0].slice(RELAY.length));
  if (!relay) return { status: 404, headers: {}, body: Buffer.alloc(0) };
  const delivery = {
    headers: Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, header(req, name) ?? ''])),
    body: req.body.toString('utf8'),
  };
  tamper(delivery, relay, ctx);
  const answer = await fetch(relay.target, { method: 'POST', headers: { ...delivery.headers, 'content-type': 'application/json' }, body: delivery.body });
  await answer.arrayBuffer();
  return { status: answer.status, headers: {}, body: Buffer.alloc(0) };
}

function resign(delivery: { headers: Record<string, string>; body: string }, relay: Relay): void {
  if (!relay.secret) return;
  const at = new Date(Number(delivery.headers['webhook-timestamp']) * 1000);
  delivery.headers['webhook-signature'] = new Webhook(relay.secret).sign(delivery.headers['webhook-id'], at, delivery.body);
}

export const V1_1_FAULTS: Fault[] = [
  {
    name: 'report-accepted-unsigned',
    breaks: 'a leaked-key report is acted on whatever its signature: unsigned, by an unknown key or altered after signing',
    caughtBy: ['leaks.signature-required'],
    args: ONLY_NEW_RULES,
    // The proxy signs every report with the trusted reporter's key, as if the check were absent.
    onRequest: (req, ctx) => {
      if (!isReport(req)) return undefined;
      req.headers['github-public-key-identifier'] = ctx.keys.HERALD_REPORTER_KEY_IDENTIFIER;
      req.headers['github-public-key-signature'] = reporterSignature(ctx, req.body);
      return undefined;
    },
  },
  {
    name: 'exposed-key-still-works',
    breaks: 'a signed report of a live key is answered true_positive, but the key is never revoked',
    caughtBy: ['leaks.revoke-at-once'],
    args: ONLY_NEW_RULES,
    onRequest: (req) => {
      if (!isReport(req) || !header(req, 'github-public-key-signature')) return undefined;
      const matches = json(req);
      if (!Array.isArray(matches)) return undefined;
      const labels = matches.map((m: { token?: unknown; type?: unknown }) => ({
        token_hash: createHash('sha256').update(String(m.token)).digest('hex'),
        token_type: String(m.type),
        label: contract.keyFormat.pattern.test(String(m.token)) ? 'true_positive' : 'false_positive',
      }));
      return { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_000000000000000000000000' }, body: Buffer.from(JSON.stringify(labels)) };
    },
  },
  relayFault('event-signed-wrongly', 'events are signed with something other than the endpoint\'s secret', ['webhooks.signature'], (delivery) => {
    delivery.headers['webhook-signature'] = `v1,${randomBytes(32).toString('base64')}`;
  }),
  relayFault('event-carries-secret', 'events carry the secret of the key they are about (correctly signed)', ['webhooks.no-secret'], (delivery, relay, ctx) => {
    const body = JSON.parse(delivery.body);
    const secret = keySecrets(ctx).get(body?.data?.key?.id) ?? relay.secret;
    if (body?.data?.key && secret) body.data.key.secret = secret;
    delivery.body = JSON.stringify(body);
    resign(delivery, relay);
  }),
  relayFault('retry-with-new-webhook-id', 'a retried event gets a new webhook-id, so receivers process it twice (correctly signed)', ['webhooks.retry'], (delivery, relay, ctx) => {
    if (!ctx.memory.has('seen-ids')) ctx.memory.set('seen-ids', new Set<string>());
    const seen = ctx.memory.get('seen-ids') as Set<string>;
    if (seen.has(delivery.headers['webhook-id'])) {
      delivery.headers['webhook-id'] = `msg_${randomBytes(18).toString('base64').replace(/[^0-9A-Za-z]/g, '').padEnd(24, '0').slice(0, 24)}`;
      resign(delivery, relay);
    }
    seen.add(delivery.headers['webhook-id']);
  }),
];
