// Typed errors: a problem answer becomes a HeraldApiError carrying its status, the spec's closed
// code, detail, request id, Retry-After, rate-limit state and validation issues, and every member
// of the body; anything that is not a Herald problem is a HeraldResponseError. No error carries
// the key, even when a broken server echoes it.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { problemCodes } from '../../generated/contract-facts.ts';
import type { components } from '../../generated/types/openapi.js';
import { startReferenceServer, type ReferenceServer } from '../../mock/src/testing.ts';
import { createHeraldClient, HeraldApiError, HeraldResponseError, type ErrorCode } from '../index.ts';
import { createHeraldSdkClient, listApiKeys, ping } from '../sdk.ts';
import { API_KEY, FLAVOURS } from './support/flavours.ts';
import { problem, startScriptedServer, type ScriptedServer } from './support/scripted-server.ts';

// Compile-time: the code is the spec's closed enum, no wider and no narrower, so a switch over
// it is checked for exhaustiveness (`npm run typecheck` compiles this file).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const codeIsTheSpecEnum: Same<ErrorCode, components['schemas']['ErrorCode']> = true;
const problemCodeIsTheSpecEnum: Same<ErrorCode, components['schemas']['Problem']['code']> = true;

/** What an application writes: every code handled, the compiler checks none is missing. */
function advice(error: HeraldApiError): string {
  switch (error.code) {
    case 'missing_api_key':
    case 'invalid_api_key':
    case 'expired_api_key':
    case 'revoked_api_key':
    case 'ambiguous_credentials':
      return 'fix the key';
    case 'validation_failed':
      return `fix ${error.issues.map((issue) => issue.pointer).join(', ')}`;
    case 'insufficient_permissions':
    case 'account_inactive':
      return 'ask for access';
    case 'not_found':
    case 'method_not_allowed':
      return 'check the path';
    case 'payload_too_large':
    case 'unsupported_media_type':
    case 'idempotency_key_reused':
      return 'fix the request';
    case 'rate_limit_exceeded':
    case 'quota_exceeded':
    case 'authentication_throttled':
      return `wait ${error.retryAfter} s`;
    case 'internal_error':
      return `report ${error.requestId}`;
    case 'invalid_report_signature':
      // Only a leaked-key reporter meets it (reportLeakedKeys takes no API key).
      return 'sign the report';
    default: {
      const unhandled: never = error.code;
      return unhandled;
    }
  }
}

function expectNoKey(value: unknown, key: string) {
  expect(inspect(value, { depth: 6, showHidden: true })).not.toContain(key);
  if (value instanceof Error) expect(JSON.stringify(value)).not.toContain(key);
}

describe('against the reference server', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer();
  });
  afterAll(() => server?.close());

  it('the closed list the client checks against is the spec\'s, and both hold', () => {
    expect(codeIsTheSpecEnum && problemCodeIsTheSpecEnum).toBe(true);
    const spec = JSON.parse(readFileSync(new URL('../../generated/openapi.json', import.meta.url), 'utf8'));
    expect([...problemCodes.codes]).toEqual(spec.components.schemas.ErrorCode.enum);
  });

  it.each(FLAVOURS.map((flavour) => [flavour.name, flavour] as const))('%s: validation_failed carries its issues, the request id and the rate-limit state', async (_, flavour) => {
    const options = { baseUrl: server.baseUrl, apiKey: server.keys.HERALD_API_KEY, scheme: 'Bearer' } as const;
    const error = (flavour.name === 'createHeraldClient'
      ? (await createHeraldClient(options).GET('/api-keys', { params: { query: { limit: 1000 } } })).error
      : (await listApiKeys({ client: createHeraldSdkClient(options), query: { limit: 1000 } })).error) as HeraldApiError;

    expect(error).toBeInstanceOf(HeraldApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.issues).toEqual([expect.objectContaining({ location: 'query', pointer: 'limit', message: expect.any(String) })]);
    expect(error.requestId).toMatch(/^req_/);
    expect((error as unknown as { request_id: string }).request_id).toBe(error.requestId);
    expect(error.detail.length).toBeGreaterThan(0);
    expect(error.message).toBe(`400 validation_failed: ${error.detail} (request ${error.requestId})`);
    expect(error.rateLimit).toMatchObject({ policy: 'default', limit: expect.any(Number), remaining: expect.any(Number) });
    expect(advice(error)).toBe('fix limit');
    expectNoKey(error, server.keys.HERALD_API_KEY);
  });

  it('an unknown key: 401 with its request id, no rate-limit state, never the key', async () => {
    const wrongKey = `${server.keys.HERALD_API_KEY.slice(0, -1)}${server.keys.HERALD_API_KEY.endsWith('A') ? 'B' : 'A'}`;
    const herald = createHeraldClient({ baseUrl: server.baseUrl, apiKey: wrongKey, scheme: 'X-API-Key' });
    const sdk = createHeraldSdkClient({ baseUrl: server.baseUrl, apiKey: wrongKey, scheme: 'ApiKey' });

    for (const error of [(await herald.GET('/ping')).error, (await ping({ client: sdk })).error]) {
      expect(error).toBeInstanceOf(HeraldApiError);
      expect(error).toMatchObject({ status: 401, code: 'invalid_api_key', rateLimit: undefined, issues: [] });
      expect((error as HeraldApiError).requestId).toMatch(/^req_/);
      expect(advice(error as HeraldApiError)).toBe('fix the key');
      expectNoKey(error, wrongKey);
    }
  });
});

describe('against servers that do not answer as Herald does', () => {
  let server: ScriptedServer;
  let reply: Parameters<typeof startScriptedServer>[0];
  beforeAll(async () => {
    server = await startScriptedServer((request, index) => reply(request, index));
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.seen.length = 0;
  });

  describe.each(FLAVOURS.map((flavour) => [flavour.name, flavour] as const))('%s', (_, flavour) => {
    const caller = () => flavour.make({ baseUrl: server.baseUrl, apiKey: API_KEY, scheme: 'Bearer', maxRetries: 0 });

    it('scrubs the key from a problem that echoes it', async () => {
      reply = () => problem(400, 'validation_failed', { detail: `bad key ${API_KEY}!`, errors: [{ location: 'header', pointer: 'authorization', message: `got Bearer ${API_KEY}` }] });

      const { error } = await caller().ping();

      expect(error).toBeInstanceOf(HeraldApiError);
      expect((error as HeraldApiError).detail).toBe('bad key [redacted]!');
      expect((error as HeraldApiError).issues[0].message).toBe('got Bearer [redacted]');
      expectNoKey(error, API_KEY);
    });

    it.each([
      ['an HTML page', { status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>Bad gateway</h1>' }],
      ['an empty body', { status: 500 }],
      ['JSON without a code', { status: 404, body: { message: 'no route' } }],
      ['a code the spec does not have', { status: 418, body: { code: 'teapot', detail: 'short and stout' } }],
    ])('%s is a HeraldResponseError, never a HeraldApiError with a made-up code', async (_, answer) => {
      reply = () => answer as never;

      const { error } = await caller().ping();

      expect(error).toBeInstanceOf(HeraldResponseError);
      expect((error as HeraldResponseError).status).toBe(answer.status);
      expect((error as Error).message).toMatch(/no Herald problem document; is baseUrl/);
    });

    it('Retry-After as an HTTP date is read as seconds from now', async () => {
      const at = new Date(Date.now() + 120_000).toUTCString();
      reply = () => ({ ...problem(503, 'internal_error'), headers: { ...problem(503, 'internal_error').headers, 'retry-after': at } });

      const { error } = await caller().ping();

      expect((error as HeraldApiError).retryAfter).toBeGreaterThanOrEqual(115);
      expect((error as HeraldApiError).retryAfter).toBeLessThanOrEqual(120);
      expect(advice(error as HeraldApiError)).toMatch(/^report req_/);
    });
  });
});
