import { Webhook } from 'standardwebhooks';
import { sleep } from '../src/harness/clock.ts';
import { expectProblem, expectSuccess, requireSuccess } from '../src/harness/expect.ts';
import { freshKey, regenerateKey, revokeKey } from '../src/harness/key-operations.ts';
import type { Reply } from '../src/harness/reply.ts';
import { scenario, type Scenario } from '../src/harness/scenario.ts';
import { getSession, NEEDS } from '../src/harness/session.ts';
import { safeKeyId, type Delivery } from '../src/harness/webhook-receiver.ts';

/**
 * Key-lifecycle webhooks, delivered the Standard Webhooks way to the suite's own receiver
 * (`--callback-host`): endpoints and their secrets, every event with its schema and signature,
 * no secret in any event, and retries with one webhook-id on the documented schedule. The event
 * schemas come from the spec's `webhooks` section and the retry schedule from its
 * `x-herald-webhook-delivery`; the signatures are checked with the `standardwebhooks` package.
 */
export default function webhookRules(): void {
  const contract = getSession().contract;
  const has = (id: string) => contract.operations.some((op) => op.id === id);
  if (!has('createWebhookEndpoint')) return;
  const createOp = contract.operation('createWebhookEndpoint');
  const getOp = contract.operation('getWebhookEndpoint');
  const listOp = contract.operation('listWebhookEndpoints');
  const deleteOp = contract.operation('deleteWebhookEndpoint');
  const deliveriesOp = contract.operation('listWebhookDeliveries');
  const root = contract.spec.root as { webhooks?: Record<string, unknown>; components?: { schemas?: Record<string, Record<string, unknown>> } };
  const policy = root.components?.schemas?.WebhookDelivery?.['x-herald-webhook-delivery'] as { retry_delays_seconds: number[]; attempt_timeout_seconds: number };
  /** How long a delivery may take to arrive once it is due (an attempt's timeout plus a margin). */
  const ARRIVAL_MS = (policy.attempt_timeout_seconds + 5) * 1000;
  const TOLERANCE_SECONDS = 5 * 60;

  interface Endpoint { id: string; secret: string; url: string; path: string }

  async function register(s: Scenario, rule: Parameters<Scenario['check']>[0], events: string[], answer = 204): Promise<Endpoint> {
    const receiver = await s.session.receiver();
    const inbox = receiver.inbox(answer);
    const reply = await s.send({ op: createOp, auth: { key: s.session.config.apiKey }, json: { url: inbox.url, events } });
    requireSuccess(s, rule, reply, createOp, `register the receiver ${inbox.url} for ${events.join(', ')}`);
    const data = reply.data<{ id: string; secret: string }>()!;
    return { id: data.id, secret: data.secret, url: inbox.url, path: inbox.path };
  }

  async function unregister(s: Scenario, endpoint: Endpoint): Promise<void> {
    await s.send({ op: deleteOp, auth: { key: s.session.config.apiKey }, pathParams: { endpoint_id: endpoint.id } });
    s.session.webhookEndpoints.delete(endpoint.id);
  }

  /** The schema of an event's body, from the spec's `webhooks` section. */
  function eventSchemaPointer(type: string): string | undefined {
    return root.webhooks && type in root.webhooks
      ? `#/webhooks/${type.replace(/~/g, '~0').replace(/\//g, '~1')}/post/requestBody/content/application~1json/schema`
      : undefined;
  }

  /** Checks one delivery: signature and timestamp, schema, subscription, no secret. Returns its body. */
  function checkDelivery(s: Scenario, endpoint: Endpoint, events: string[], delivery: Delivery): { type?: string; data?: Record<string, any> } {
    const headers = Object.fromEntries(Object.entries(delivery.headers).map(([n, v]) => [n, String(v)]));
    let verified = true;
    try {
      new Webhook(endpoint.secret).verify(delivery.body, headers);
    } catch (error) {
      verified = false;
      s.check('webhooks.signature', false, `a delivery to ${endpoint.path} does not verify with the endpoint's secret (Standard Webhooks): ${(error as Error).message}; headers webhook-id ${JSON.stringify(headers['webhook-id'])}, webhook-timestamp ${JSON.stringify(headers['webhook-timestamp'])}`);
    }
    if (verified) {
      const skew = Math.abs(Number(headers['webhook-timestamp']) - delivery.receivedAt / 1000);
      s.check('webhooks.signature', (headers['webhook-id'] ?? '').length > 0, 'every delivery carries a webhook-id');
      s.check('webhooks.signature', skew <= TOLERANCE_SECONDS, `webhook-timestamp is ${Math.round(skew)} s from the receiver's clock (at most ${TOLERANCE_SECONDS})`);
    }
    const leaked = s.session.secrets.all().filter((secret) => delivery.body.includes(secret));
    if (delivery.body.includes(endpoint.secret) || delivery.body.includes(endpoint.secret.replace(/^whsec_/, ''))) leaked.push(endpoint.secret);
    s.check('webhooks.no-secret', leaked.length === 0, `a ${safeType(delivery.body)} event carries ${leaked.length} secret(s) the suite knows (redacted here)`);
    let body: { type?: string; data?: Record<string, any> } = {};
    try {
      body = JSON.parse(delivery.body);
    } catch {
      s.check('webhooks.events', false, `a delivery's body is not JSON: ${delivery.body.slice(0, 200)}`);
      return body;
    }
    const pointer = typeof body.type === 'string' ? eventSchemaPointer(body.type) : undefined;
    s.check('webhooks.events', pointer !== undefined, `a delivery's type ${JSON.stringify(body.type)} is no event of the spec's webhooks section`);
    if (pointer) {
      const errors = contract.validator.validate(pointer, body);
      s.check('webhooks.events', errors.length === 0, `the ${body.type} event does not match its schema: ${errors.join('; ')}`);
    }
    s.check('webhooks.events', typeof body.type === 'string' && events.includes(body.type), `the endpoint subscribed to ${events.join(', ')} received ${JSON.stringify(body.type)}`);
    return body;
  }

  function safeType(body: string): string {
    try {
      return String(JSON.parse(body).type);
    } catch {
      return 'unreadable';
    }
  }

  scenario(['webhooks.endpoints'], 'register a webhook endpoint: its secret is shown once', async (s: Scenario) => {
    const endpoint = await register(s, 'webhooks.endpoints', ['api_key.revoked']);
    s.check('webhooks.endpoints', /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(endpoint.secret), 'the created endpoint shows a whsec_ signing secret');
    const key = s.session.config.apiKey;
    const got = await s.send({ op: getOp, auth: { key }, pathParams: { endpoint_id: endpoint.id } });
    const listed = await s.send({ op: listOp, auth: { key }, query: { limit: '100' } });
    for (const [what, reply] of [['get', got], ['list', listed]] as const) {
      if (expectSuccess(s, 'webhooks.endpoints', reply, what === 'get' ? getOp : listOp, `${what} the endpoint`)) {
        s.check('webhooks.endpoints', !reply.body.includes(endpoint.secret.slice(6)), `${what} shows the endpoint's signing secret`, reply);
      }
    }
    const gone = await s.send({ op: deleteOp, auth: { key }, pathParams: { endpoint_id: endpoint.id } });
    expectSuccess(s, 'webhooks.endpoints', gone, deleteOp, 'delete the endpoint');
    s.session.webhookEndpoints.delete(endpoint.id);
    expectProblem(s, 'webhooks.endpoints', await s.send({ op: getOp, auth: { key }, pathParams: { endpoint_id: endpoint.id } }), 'not_found', 'get a deleted endpoint');
  });

  scenario(['webhooks.events', 'webhooks.signature', 'webhooks.no-secret'], 'created, regenerated, revoked: each delivered, signed, without a secret', async (s: Scenario) => {
    const all = ['api_key.created', 'api_key.regenerated', 'api_key.revoked'];
    const everything = await register(s, 'webhooks.events', all);
    const onlyRevoked = await register(s, 'webhooks.events', ['api_key.revoked']);
    try {
      const { worker, key } = await freshKey(s, 'webhook events', {}, 4);
      requireSuccess(s, 'webhooks.events', await regenerateKey(s, worker, key.id, { grace_period_seconds: 60 }), contract.operation('regenerateApiKey'), 'regenerate the key');
      requireSuccess(s, 'webhooks.events', await revokeKey(s, worker, key.id), contract.operation('revokeApiKey'), 'revoke the key');
      s.session.pool().markRevoked(key.id);
      const receiver = await s.session.receiver();
      const aboutKey = (list: Delivery[]) => list.filter((d) => safeKeyId(d) === key.id);
      const mine = aboutKey(await receiver.waitUntil(everything.path, (list) => aboutKey(list).length >= all.length, ARRIVAL_MS));
      s.check('webhooks.events', mine.length === all.length, `the endpoint for ${all.join(', ')} received ${mine.length} event(s) about key ${key.id} within ${ARRIVAL_MS / 1000} s, expected ${all.length}`);
      const bodies = mine.map((d) => checkDelivery(s, everything, all, d));
      s.check('webhooks.events', all.every((type) => bodies.some((b) => b.type === type)), `events received: ${bodies.map((b) => b.type).join(', ')}; expected ${all.join(', ')}`);
      const regenerated = bodies.find((b) => b.type === 'api_key.regenerated');
      s.check('webhooks.events', regenerated === undefined || typeof regenerated.data?.grace_period_ends_at === 'string', 'api_key.regenerated after a 60-second grace period names its end');
      const revoked = bodies.find((b) => b.type === 'api_key.revoked');
      s.check('webhooks.events', revoked === undefined || revoked.data?.reason === 'requested', `api_key.revoked after revokeApiKey says reason "requested", got ${JSON.stringify(revoked?.data?.reason)}`);
      const other = aboutKey(await receiver.waitUntil(onlyRevoked.path, (list) => aboutKey(list).length >= 1, ARRIVAL_MS));
      s.check('webhooks.events', other.length === 1 && safeType(other[0].body) === 'api_key.revoked', `the endpoint for api_key.revoked alone received ${other.map((d) => safeType(d.body)).join(', ') || 'nothing'} about the key`);
      for (const delivery of other) checkDelivery(s, onlyRevoked, ['api_key.revoked'], delivery);
      // The deliveries listing shows them delivered.
      const listed = await s.send({ op: deliveriesOp, auth: { key: s.session.config.apiKey }, pathParams: { endpoint_id: everything.id } });
      if (expectSuccess(s, 'webhooks.events', listed, deliveriesOp, 'list the endpoint\'s deliveries')) {
        const rows = listed.data<Array<{ status: string; attempts: number; last_response_code: number | null }>>() ?? [];
        s.check('webhooks.events', rows.length >= all.length && rows.slice(0, all.length).every((r) => r.status === 'succeeded' && r.attempts === 1 && r.last_response_code === 204),
          `the deliveries listing should show ${all.length} succeeded deliveries, one attempt each, last answer 204; got ${JSON.stringify(rows.slice(0, all.length))}`, listed);
      }
    } finally {
      await unregister(s, everything);
      await unregister(s, onlyRevoked);
    }
  });

  scenario(['webhooks.events'], 'expiring and expired follow the target clock', async (s: Scenario) => {
    const events = ['api_key.expiring', 'api_key.expired'];
    const endpoint = await register(s, 'webhooks.events', events);
    try {
      const now = await s.session.clock.now();
      // Ten minutes ahead: inside any expiry notice a deployment could reasonably choose.
      const expiresAt = new Date(Math.floor(now / 1000) * 1000 + 600_000).toISOString().replace('.000Z', 'Z');
      const { key } = await freshKey(s, 'expiry events', { expires_at: expiresAt }, 2);
      await s.session.clock.advance(1);
      const receiver = await s.session.receiver();
      const aboutKey = (list: Delivery[]) => list.filter((d) => safeKeyId(d) === key.id);
      // Every other key of the environment that expires within the deployment's notice is announced too: look for this one's.
      let mine = aboutKey(await receiver.waitUntil(endpoint.path, (list) => aboutKey(list).length >= 1, ARRIVAL_MS));
      s.check('webhooks.events', mine.some((d) => safeType(d.body) === 'api_key.expiring'), `api_key.expiring did not arrive for a key expiring in 10 minutes (got ${mine.map((d) => safeType(d.body)).join(', ') || 'nothing'})`);
      await s.session.clock.advance(600);
      mine = aboutKey(await receiver.waitUntil(endpoint.path, (list) => aboutKey(list).length >= 2, ARRIVAL_MS));
      s.check('webhooks.events', mine.filter((d) => safeType(d.body) === 'api_key.expired').length === 1, `api_key.expired should arrive once when the clock passes expires_at (got ${mine.map((d) => safeType(d.body)).join(', ') || 'nothing'})`);
      for (const delivery of mine) checkDelivery(s, endpoint, events, delivery);
    } finally {
      await unregister(s, endpoint);
    }
  }, { needs: [NEEDS.testClock] });

  scenario(['webhooks.retry'], 'a failing endpoint is retried with one webhook-id, then given up', async (s: Scenario) => {
    const endpoint = await register(s, 'webhooks.retry', ['api_key.revoked'], 503);
    try {
      const { worker, key } = await freshKey(s, 'webhook retries', {}, 2);
      requireSuccess(s, 'webhooks.retry', await revokeKey(s, worker, key.id), contract.operation('revokeApiKey'), 'revoke a key to cause an event');
      s.session.pool().markRevoked(key.id);
      const receiver = await s.session.receiver();
      let received = await receiver.waitFor(endpoint.path, 1, ARRIVAL_MS);
      s.require('webhooks.retry', received.length >= 1, `the first attempt did not arrive within ${ARRIVAL_MS / 1000} s`);
      const delays = policy.retry_delays_seconds;
      /** The target's record of the attempts: the next one is scheduled from when the last one failed, so wait for that. */
      const settledAttempts = async (count: number) => {
        const deadline = Date.now() + ARRIVAL_MS;
        for (;;) {
          const listed = await s.send({ op: deliveriesOp, auth: { key: s.session.config.apiKey }, pathParams: { endpoint_id: endpoint.id } });
          const row = (listed.data<Array<{ attempts?: number }>>() ?? [])[0];
          if ((row?.attempts ?? 0) >= count || Date.now() > deadline) return;
          await sleep(100, s.signal);
        }
      };
      for (const [i, delay] of delays.entries()) {
        await settledAttempts(i + 1);
        // A second early, nothing; at the delay, the next attempt.
        if (delay > 1) await s.session.clock.advance(delay - 1);
        const early = receiver.deliveries(endpoint.path).length;
        s.check('webhooks.retry', early === i + 1, `attempt ${i + 2} arrived before its ${delay}-second delay`);
        await s.session.clock.advance(1);
        received = await receiver.waitFor(endpoint.path, i + 2, ARRIVAL_MS);
        s.check('webhooks.retry', received.length >= i + 2, `attempt ${i + 2} did not arrive ${delay} s after attempt ${i + 1} failed`);
      }
      // Past the longest delay again: a deployment that has given up sends nothing more.
      await settledAttempts(delays.length + 1);
      await s.session.clock.advance(Math.max(...delays) + 1);
      // Nothing should arrive any more: wait a moment of real time for a delivery that would.
      await sleep(1500, s.signal);
      received = receiver.deliveries(endpoint.path);
      const ids = new Set(received.map((d) => String(d.headers['webhook-id'])));
      s.check('webhooks.retry', ids.size === 1, `every attempt of one event must carry the same webhook-id; got ${ids.size} different ones`);
      s.check('webhooks.retry', received.length === delays.length + 1, `the event should be attempted ${delays.length + 1} times and then given up; it was attempted ${received.length} times`);
      for (const delivery of received) checkDelivery(s, endpoint, ['api_key.revoked'], delivery);
      const listed: Reply = await s.send({ op: deliveriesOp, auth: { key: s.session.config.apiKey }, pathParams: { endpoint_id: endpoint.id } });
      if (expectSuccess(s, 'webhooks.retry', listed, deliveriesOp, 'list the failing endpoint\'s deliveries')) {
        const row = (listed.data<Array<Record<string, unknown>>>() ?? [])[0];
        s.check('webhooks.retry', row?.status === 'failed' && row.attempts === delays.length + 1 && row.last_response_code === 503 && row.next_attempt_at === null && ids.has(String(row.event_id)),
          `the deliveries listing should show the event failed after ${delays.length + 1} attempts, last answer 503, nothing due; got ${JSON.stringify(row)}`, listed);
      }
    } finally {
      await unregister(s, endpoint);
    }
  }, { needs: [NEEDS.testClock] });
}
