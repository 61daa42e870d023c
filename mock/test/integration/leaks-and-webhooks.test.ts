import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaCompiler } from '../../src/schema-compiler.ts';
import { loadContract } from '../../src/spec.ts';
import { sha256Hex } from '../../src/leaked-keys.ts';
import { isLoopbackAddress } from '../../src/webhook-transport.ts';
import { deliveryPolicy } from '../../src/webhooks.ts';
import { useServer } from '../support/server.ts';
import { secretPart } from '../support/spec-values.ts';

// Leaked-key reports (reportLeakedKeys) and key-lifecycle webhooks, on a server whose clock stands
// still until a test moves it and whose retries run when the test asks (webhookPollMs: 0): no
// test sleeps. Deliveries go to a real receiver on 127.0.0.1, which records each request.

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when it arrived. */
  at: number;
}

const receiver = { server: null as Server | null, url: '', received: [] as Received[], answer: 204 };
beforeAll(async () => {
  receiver.server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      receiver.received.push({ headers: request.headers, body, at: performance.now() });
      response.writeHead(receiver.answer).end();
    });
  });
  await new Promise<void>((resolve) => receiver.server!.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server!.address() as AddressInfo).port}/hooks`;
});
afterAll(() => new Promise<void>((resolve) => receiver.server!.close(() => resolve())));

const ctx = useServer({ manualClock: true, server: { webhookPollMs: 0 } });
const full = () => ctx.server.keys.HERALD_API_KEY;
const webhooks = () => ctx.server.app.herald.webhooks;
const compiler = createSchemaCompiler(loadContract().document);
const { retryDelaysSeconds: RETRY_DELAYS_SECONDS } = deliveryPolicy(loadContract());
const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
const schemaErrors = (name: string, value: unknown) => {
  const validate = compiler.compile({ $ref: `#/components/schemas/${name}` });
  return validate(value) ? [] : validate.errors;
};

function signReport(body: string, privateKeyBase64 = ctx.server.env.HERALD_REPORTER_PRIVATE_KEY): string {
  const key = createPrivateKey({ key: Buffer.from(privateKeyBase64, 'base64'), format: 'der', type: 'pkcs8' });
  return sign('sha256', Buffer.from(body), key).toString('base64');
}

async function report(body: string, headers: Record<string, string> = {}) {
  return ctx.call('POST', '/secret-scanning/reports', {
    body,
    contentType: 'application/json',
    headers: {
      'Github-Public-Key-Identifier': ctx.server.env.HERALD_REPORTER_KEY_IDENTIFIER,
      'Github-Public-Key-Signature': signReport(body),
      ...headers,
    },
  });
}

async function createKey(body: unknown = {}) {
  const res = await ctx.call('POST', '/api-keys', { key: full(), json: body });
  expect(res.status, res.text).toBe(201);
  return res.json.data as { id: string; secret: string; prefix: string };
}

async function createEndpoint(events: string[], url = receiver.url) {
  const res = await ctx.call('POST', '/webhook-endpoints', { key: full(), json: { url, events } });
  expect(res.status, res.text).toBe(201);
  return res.json.data as { id: string; secret: string };
}

async function deliveries(endpointId: string) {
  const res = await ctx.call('GET', `/webhook-endpoints/${endpointId}/deliveries`, { key: full() });
  expect(res.status, res.text).toBe(200);
  return res.json.data as Array<{ event_id: string; event_type: string; status: string; attempts: number; last_response_code: number | null; last_error: string | null }>;
}

/** Runs what is due and waits for the attempts to finish (no sleeping: the receiver answers at once). */
async function deliverDue() {
  webhooks().runDue();
  await webhooks().settle();
}

const reportOf = (token: string, url = 'https://github.com/octo-org/octo-repo/blob/0123/app.env') =>
  JSON.stringify([{ token, type: 'herald_api_key', url, source: 'content' }]);

describe('leaked-key reports', () => {
  it('a signed report of a live key revokes it before the answer, in every header form, and labels it by hash', async () => {
    const key = await createKey({ name: 'leaked' });
    const body = reportOf(key.secret);
    const started = performance.now();
    const res = await report(body);
    const elapsedMs = performance.now() - started;
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual([{ token_hash: sha256Hex(key.secret), token_type: 'herald_api_key', label: 'true_positive' }]);
    expect(res.text).not.toContain(secretPart(key.secret));
    for (const form of ['apikey', 'bearer', 'x-api-key'] as const) {
      const ping = await ctx.call('GET', '/ping', { key: key.secret, form });
      expect(ping.status).toBe(401);
      expect(ping.json.code).toBe('revoked_api_key');
    }
    // Reported here, read by the closing note: report → revoked, measured on the loopback.
    console.log(`report to revocation: ${elapsedMs.toFixed(1)} ms`);
  });

  it('a repeated report changes nothing and answers the same', async () => {
    const key = await createKey();
    const body = reportOf(key.secret);
    const first = await report(body);
    const second = await report(body);
    expect(second.status).toBe(200);
    expect(second.json).toEqual(first.json);
  });

  it('labels as false positives what is not a live Herald key, and changes nothing', async () => {
    const revoked = await createKey();
    expect((await ctx.call('DELETE', `/api-keys/${revoked.id}`, { key: full() })).status).toBe(204);
    const bystander = await createKey();
    const tokens = [revoked.secret, 'hk_test_0NotARealKeyItOnlyLooksLikeOne000000', 'ghp_notours', bystander.secret.slice(0, -1) + 'x'];
    const body = JSON.stringify(tokens.map((token) => ({ token, type: 'herald_api_key', url: '', source: 'npm' })));
    const res = await report(body);
    expect(res.status, res.text).toBe(200);
    expect(res.json.map((label: { label: string }) => label.label)).toEqual(tokens.map(() => 'false_positive'));
    expect((await ctx.call('GET', '/ping', { key: bystander.secret })).status).toBe(200);
  });

  it.each([
    ['no signature headers', (body: string) => ({ 'Github-Public-Key-Identifier': '', 'Github-Public-Key-Signature': '' }), (b: string) => b],
    ['an unknown key identifier', () => ({ 'Github-Public-Key-Identifier': 'f'.repeat(64) }), (b: string) => b],
    ['a signature by another key', (body: string) => ({ 'Github-Public-Key-Signature': otherSignature(body) }), (b: string) => b],
    ['a body altered after signing', () => ({}), (b: string) => b.replace('"content"', '"commit"')],
  ])('refuses a report with %s (401) and changes nothing', async (_name, headers, alter) => {
    const key = await createKey();
    const signed = reportOf(key.secret);
    const res = await ctx.call('POST', '/secret-scanning/reports', {
      body: alter(signed),
      contentType: 'application/json',
      headers: Object.fromEntries(Object.entries({
        'Github-Public-Key-Identifier': ctx.server.env.HERALD_REPORTER_KEY_IDENTIFIER,
        'Github-Public-Key-Signature': signReport(signed),
        ...headers(signed),
      }).filter(([, value]) => value !== '')),
    });
    expect(res.status, res.text).toBe(401);
    expect(res.json.code).toBe('invalid_report_signature');
    expect(res.header('www-authenticate')).toMatch(/^Github-Public-Key-Signature /);
    expect((await ctx.call('GET', '/ping', { key: key.secret })).status).toBe(200);
  });

  it('a signed body that is not a report is refused with validation_failed', async () => {
    const res = await report(JSON.stringify({ token: 'x' }));
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_failed');
  });
});

function otherSignature(body: string): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return sign('sha256', Buffer.from(body), privateKey).toString('base64');
}

describe('webhook endpoints and events', () => {
  it('shows the signing secret once, never in a listing or a get', async () => {
    const endpoint = await createEndpoint(['api_key.created']);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await ctx.call('GET', '/webhook-endpoints', { key: full() });
    const got = await ctx.call('GET', `/webhook-endpoints/${endpoint.id}`, { key: full() });
    for (const res of [list, got]) {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(endpoint.secret.slice(6));
    }
    expect((await ctx.call('DELETE', `/webhook-endpoints/${endpoint.id}`, { key: full() })).status).toBe(204);
    expect((await ctx.call('GET', `/webhook-endpoints/${endpoint.id}`, { key: full() })).status).toBe(404);
  });

  it('needs webhooks:read to list endpoints', async () => {
    const res = await ctx.call('GET', '/webhook-endpoints', { key: ctx.server.keys.HERALD_READ_ONLY_API_KEY });
    expect(res.status).toBe(403);
    expect(res.json.missing_scopes).toEqual(['webhooks:read']);
  });

  it('delivers every lifecycle event signed the Standard Webhooks way, matching its schema, with no secret', async () => {
    receiver.received.length = 0;
    receiver.answer = 204;
    const endpoint = await createEndpoint(['api_key.created', 'api_key.regenerated', 'api_key.revoked', 'api_key.exposed']);
    const key = await createKey({ name: 'lifecycle' });
    const regenerated = await ctx.call('POST', `/api-keys/${key.id}/regenerate`, { key: full(), json: { grace_period_seconds: 60 } });
    expect(regenerated.status).toBe(200);
    const newSecret = regenerated.json.data.secret as string;
    expect((await report(reportOf(newSecret))).json[0].label).toBe('true_positive');
    await webhooks().settle();
    const types = receiver.received.map((r) => JSON.parse(r.body).type);
    expect(types).toEqual(['api_key.created', 'api_key.regenerated', 'api_key.revoked', 'api_key.exposed']);
    const verifier = new Webhook(endpoint.secret);
    for (const delivery of receiver.received) {
      const payload = verifier.verify(delivery.body, delivery.headers as Record<string, string>) as { type: string };
      const schema = `${payload.type.replace(/(^|[._])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}Event`;
      expect(schemaErrors(schema, payload), `${payload.type} matches ${schema}`).toEqual([]);
      for (const secret of [key.secret, newSecret, endpoint.secret]) expect(delivery.body).not.toContain(secretPart(secret));
    }
    const exposed = JSON.parse(receiver.received[3].body);
    expect(exposed.data).toMatchObject({ key: { id: key.id }, url: 'https://github.com/octo-org/octo-repo/blob/0123/app.env', source: 'content' });
    expect(JSON.parse(receiver.received[2].body).data.reason).toBe('exposed');
    const listed = await deliveries(endpoint.id);
    expect(listed.map((d) => [d.status, d.attempts, d.last_response_code])).toEqual(listed.map(() => ['succeeded', 1, 204]));
    await ctx.call('DELETE', `/webhook-endpoints/${endpoint.id}`, { key: full() });
  });

  it('retries a failing endpoint with the same webhook-id on the schedule, then gives up', async () => {
    receiver.received.length = 0;
    receiver.answer = 503;
    const endpoint = await createEndpoint(['api_key.revoked']);
    const key = await createKey();
    const revokedAt = performance.now();
    await ctx.call('DELETE', `/api-keys/${key.id}`, { key: full() });
    await webhooks().settle();
    const firstAttemptMs = receiver.received[0].at - revokedAt;
    const started = ctx.server.clock.now();
    const attemptsAt = [0];
    for (const delay of RETRY_DELAYS_SECONDS) {
      ctx.server.clock.advance(delay * 1000 - 1);
      await deliverDue();
      const before = receiver.received.length;
      ctx.server.clock.advance(1);
      await deliverDue();
      expect(receiver.received.length, `attempt after ${delay} s, not a millisecond earlier`).toBe(before + 1);
      attemptsAt.push((ctx.server.clock.now() - started) / 1000);
    }
    ctx.server.clock.advance(3600_000);
    await deliverDue();
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_response_code: 503, next_attempt_at: null });
    // Read by the closing note: delivery latency on loopback, and the retries against a 503 receiver.
    console.log(`failing receiver: first attempt ${firstAttemptMs.toFixed(1)} ms after the revoke was sent; attempts at +${attemptsAt.join(' s, +')} s (server clock), then failed`);
    receiver.answer = 204;
    await ctx.call('DELETE', `/webhook-endpoints/${endpoint.id}`, { key: full() });
  });

  it('sends api_key.expiring and api_key.expired when the clock reaches them, once each', async () => {
    receiver.received.length = 0;
    const endpoint = await createEndpoint(['api_key.expiring', 'api_key.expired']);
    const expiresAt = ctx.server.clock.now() + 10 * 24 * 3600_000;
    await createKey({ expires_at: new Date(expiresAt).toISOString() });
    await deliverDue();
    expect(receiver.received).toHaveLength(0);
    ctx.server.clock.advance(3 * 24 * 3600_000);
    await deliverDue();
    await deliverDue();
    expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(['api_key.expiring']);
    ctx.server.clock.advance(7 * 24 * 3600_000);
    await deliverDue();
    await deliverDue();
    expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(['api_key.expiring', 'api_key.expired']);
    await ctx.call('DELETE', `/webhook-endpoints/${endpoint.id}`, { key: full() });
  });

  it('delivers only to loopback by default: another destination fails at once, without a connection', async () => {
    const endpoint = await createEndpoint(['api_key.revoked'], 'https://hooks.example.com/herald');
    const key = await createKey();
    await ctx.call('DELETE', `/api-keys/${key.id}`, { key: full() });
    await webhooks().settle();
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, last_error: 'destination_not_allowed', last_response_code: null });
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '169.254.169.254', '::', '0.0.0.0', '::ffff:10.0.0.1'].some(isLoopbackAddress)).toBe(false);
    await ctx.call('DELETE', `/webhook-endpoints/${endpoint.id}`, { key: full() });
  });
});
