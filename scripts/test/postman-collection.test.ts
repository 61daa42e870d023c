// The published Postman collection (generated/postman/), run by newman as a QA team would run it:
// against the reference server every request passes every test, ids flow from the responses
// that create them, and no two requests share an Idempotency-Key. Against servers broken on
// purpose (the conformance proof's fault proxy) its tests fail, each on what was broken.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startFaultProxy, withJson, withoutHeader, withHeader, type Fault } from '../../contract-tests/proof/fault-proxy.ts';
import { startReferenceServer, type ReferenceServer } from '../../mock/src/testing.ts';
import { listOperations, type JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { API_KEY_VARIABLE, COLLECTION_FILE, KEYLESS_STATUS, portmanConfig, requestOrder } from '../generate/postman.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';

interface NewmanExecution {
  item: { name: string };
  request: { method: string; url: { toString(): string }; headers: { get(name: string): string | undefined } };
  response?: { code: number };
  assertions?: { assertion: string; error?: { message: string } }[];
}
interface NewmanSummary {
  run: {
    stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
    failures: { error: { message: string; test?: string }; source?: { name?: string } }[];
    executions: NewmanExecution[];
  };
}
const newman = createRequire(import.meta.url)('newman') as {
  run(options: Record<string, unknown>, callback: (error: Error | null, summary: NewmanSummary) => void): void;
};

const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as JsonObject;
const collection = JSON.parse(await readFile(join(REPO_ROOT, COLLECTION_FILE), 'utf8')) as JsonObject;
const operations = listOperations(spec);

function runCollection(baseUrl: string, apiKey: string): Promise<NewmanSummary> {
  return new Promise((resolve, reject) => {
    newman.run({
      collection,
      envVar: [{ key: 'baseUrl', value: baseUrl }, { key: API_KEY_VARIABLE, value: apiKey }],
      reporters: [],
      // The reference server answers at once; a hang must fail, not stall the suite.
      timeoutRequest: 10_000,
    }, (error, summary) => (error ? reject(error) : resolve(summary)));
  });
}

/** "request name: test name: message" for every failed assertion. */
const failures = (summary: NewmanSummary) =>
  summary.run.failures.map((failure) => `${failure.source?.name}: ${failure.error.test ?? ''}: ${failure.error.message}`);

describe('the Postman collection, run by newman', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer();
  });
  afterAll(() => server?.close());

  it('passes every test of every request against the reference server', async () => {
    const summary = await runCollection(server.baseUrl, server.keys.HERALD_API_KEY);
    expect(failures(summary)).toEqual([]);
    const { executions, stats } = summary.run;
    // Every operation once (requests are named after its summary), answered with its documented
    // success status; an operation that deletes a resource runs after the others that use it.
    const executed = executions.map((e) => operations.find((o) => o.summary === e.item.name && o.method.toUpperCase() === e.request.method));
    expect(executed.map((o) => o?.operationId).sort()).toEqual(operations.map((o) => o.operationId).sort());
    // The keyless report carries the spec's example signature, which no deployment trusts: its documented 401.
    const keyless = (o: (typeof operations)[number]) => Array.isArray(o.object.security) && (o.object.security as unknown[]).length === 0;
    expect(executions.map((e) => e.response?.code)).toEqual(executed.map((o) => (keyless(o!) ? Number(KEYLESS_STATUS) : Number(Object.keys(o!.object.responses as JsonObject)[0]))));
    const position = (id: string) => executed.findIndex((o) => o?.operationId === id);
    expect(position('revokeApiKey')).toBeGreaterThan(Math.max(position('getApiKey'), position('regenerateApiKey')));
    const order = requestOrder(operations);
    expect(order.slice(order.findIndex((t) => t.startsWith('DELETE::'))).every((t) => t.startsWith('DELETE::'))).toBe(true);
    expect(order).toContain('DELETE::/api-keys/{key_id}');
    expect(stats.requests.failed).toBe(0);
    // Status, content type, body, schema, headers present, header values: several per request.
    expect(stats.assertions.total).toBeGreaterThan(operations.length * 5);

    // Ids came from the responses that created them, not from the spec's examples.
    const urls = executions.map((e) => e.request.url.toString());
    expect(urls.filter((url) => /\/api-keys\/key_/.test(url))).toHaveLength(3);
    expect(urls.join('\n')).not.toContain('key_3xQm7RcV9pLk2NwT8sHa4YdE');
    // A fresh Idempotency-Key on every request that takes one.
    const keys = executions.map((e) => e.request.headers.get('Idempotency-Key')).filter(Boolean);
    const takingKey = operations.filter((o) => o.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')).length;
    expect(keys).toHaveLength(takingKey);
    expect(new Set(keys).size).toBe(takingKey);
  }, 60_000);

  it('sends the key from one variable, as a bearer token', () => {
    expect(collection.auth).toEqual({ type: 'bearer', bearer: [{ type: 'any', value: `{{${API_KEY_VARIABLE}}}`, key: 'token' }] });
    expect(collection.variable).toContainEqual({ type: 'string', value: '', key: API_KEY_VARIABLE });
  });

  it('is what the Portman config derived from the spec asks for', () => {
    const config = portmanConfig(spec) as { assignVariables: JsonObject[]; overwrites: JsonObject[] };
    expect(config.assignVariables).toEqual([
      { openApiOperationId: 'createApiKey', collectionVariables: [{ responseBodyProp: 'data.id', name: 'keyId' }] },
      { openApiOperationId: 'sendNotification', collectionVariables: [{ responseBodyProp: 'data.id', name: 'notificationId' }] },
      { openApiOperationId: 'createWebhookEndpoint', collectionVariables: [{ responseBodyProp: 'data.id', name: 'endpointId' }] },
    ]);
    expect(config.overwrites.map((o) => o.openApiOperationId)).toEqual(
      ['createApiKey', 'getApiKey', 'revokeApiKey', 'regenerateApiKey', 'sendNotification', 'getNotification',
        'createWebhookEndpoint', 'getWebhookEndpoint', 'deleteWebhookEndpoint', 'listWebhookDeliveries'],
    );
  });

  describe('fails against a broken server, on what was broken', () => {
    const faults: (Fault & { expected: RegExp })[] = [
      {
        name: 'wrong-success-status', breaks: 'answers a create with 200', caughtBy: [],
        onResponse: (response, request) => (request.method === 'POST' && response.status === 201 ? { ...response, status: 200 } : undefined),
        expected: /Create an API key: .*status code is 201: expected 200 to equal 201/,
      },
      {
        name: 'body-breaks-schema', breaks: 'lists keys without their prefix', caughtBy: [],
        onResponse: (response, request) => {
          const body = json(response);
          if (request.method !== 'GET' || !/^\/v1\/api-keys(\?|$)/.test(request.url) || !body) return undefined;
          return withJson(response, { ...body, data: body.data.map(({ prefix: _, ...key }: JsonObject) => key) });
        },
        expected: /List API keys: .*Schema is valid: [^\n]*\n[^\n]*'prefix'/,
      },
      {
        name: 'drops-request-id', breaks: 'sends no X-Request-Id on the usage', caughtBy: [],
        onResponse: (response, request) => (request.url.startsWith('/v1/usage') ? withoutHeader(response, 'x-request-id') : undefined),
        expected: /Get rate-limit and quota usage: .*Response header X-Request-Id is present/,
      },
      {
        name: 'header-breaks-schema', breaks: 'sends X-RateLimit-Remaining as a word on ping', caughtBy: [],
        onResponse: (response, request) => (request.url.startsWith('/v1/ping') ? withHeader(response, 'x-ratelimit-remaining', 'plenty') : undefined),
        expected: /Check a key: .*Documented headers match their schemas: X-RateLimit-Remaining/,
      },
    ];
    it.each(faults.map((fault) => [fault.breaks, fault] as const))('a server that %s', async (_breaks, fault) => {
      const proxy = await startFaultProxy(server.origin, fault, server.keys);
      try {
        const summary = await runCollection(`${proxy.origin}/v1`, server.keys.HERALD_API_KEY);
        expect(failures(summary).join('\n')).toMatch(fault.expected);
      } finally {
        await proxy.close();
      }
    }, 60_000);
  });
});
