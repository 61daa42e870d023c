// The generated samples are real programs: each one is run against a local stand-in API and
// must send the request its operation describes (method, path with the example parameters,
// example body), carry the key from HERALD_API_KEY in exactly one header, and print the
// example answer. Their text is the operation's `x-codeSamples`, and none holds a secret.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import { SAMPLES_DIR } from '../generate/code-samples.ts';
import { contractFacts } from '../generate/contract-facts.ts';
import {
  jsonRequestBody,
  listOperations,
  parameterExample,
  type JsonObject,
  type Operation,
} from '../generate/openapi-document.ts';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { exampleAnswer, startExampleServer, type ExampleServer, type RecordedRequest } from './support/example-server.ts';

const run = promisify(execFile);
const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as JsonObject;
const operations = listOperations(spec);
const samplesDir = join(REPO_ROOT, SAMPLES_DIR);
// Shaped like a key; not a key of any account.
const API_KEY = `hk_test_${'Zz9'.repeat(10)}000000`;
const BASE_PATH = new URL(String((spec.servers as JsonObject[])[0].url)).pathname;

type Sample = { lang: string; label: string; source: string };
const samplesOf = (operation: Operation) => operation.object['x-codeSamples'] as Sample[];
const fileOf = (operation: Operation, suffix: string) => join(samplesDir, `${operation.operationId}${suffix}`);
const SUFFIX: Record<string, string> = { curl: '.curl.sh', 'openapi-fetch': '.openapi-fetch.ts', 'hey-api SDK': '.hey-api.ts' };

const paginated = (contractFacts(spec) as { paginatedOperations: Record<string, { cursor: string }> }).paginatedOperations;

/**
 * The request an operation's samples must send, worked out from the spec's examples. The
 * TypeScript samples of a cursor-paginated operation page with `paginate`, whose first request
 * carries no cursor.
 */
function expectedRequest(operation: Operation, paging = false) {
  const cursor = paging && operation.method === 'get' ? paginated[operation.path]?.cursor : undefined;
  const example = (location: string) =>
    operation.parameters
      .filter((p) => p.in === location && !(location === 'query' && p.name === cursor))
      .map((p) => [p.name, parameterExample(spec, p)] as const)
      .filter(([, e]) => e.found)
      .map(([name, e]): [string, string] => [name, String(e.value)]);
  let path = operation.path;
  for (const [name, value] of example('path')) path = path.replace(`{${name}}`, encodeURIComponent(value));
  const query = new URLSearchParams(example('query')).toString();
  return {
    method: operation.method.toUpperCase(),
    url: query ? `${path}?${query}` : path,
    headers: example('header').map(([name, value]) => [name.toLowerCase(), value] as const),
    body: jsonRequestBody(spec, operation)?.examples[0]?.value,
  };
}

/** `security: []` (the signed leaked-key report): the samples send no key at all. */
const keyless = (operation: Operation) => Array.isArray(operation.object.security) && operation.object.security.length === 0;

/** The request carried the key as `Authorization: Bearer`, once, and no other credential header. */
function expectOneBearerCredential(request: RecordedRequest, expected: string[][] = [['authorization', `Bearer ${API_KEY}`]]) {
  const credentialHeaders = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i].toLowerCase();
    if (name === 'authorization' || name === 'x-api-key') credentialHeaders.push([name, request.rawHeaders[i + 1]]);
  }
  expect(credentialHeaders).toEqual(expected);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Every Idempotency-Key the samples sent: each must be new (a sample never reuses the example). */
const idempotencyKeysSent: string[] = [];

function expectRequestOf(operation: Operation, requests: RecordedRequest[], paging = false) {
  const expected = expectedRequest(operation, paging);
  expect(requests).toHaveLength(1);
  const [request] = requests;
  expect(`${request.method} ${request.url}`).toBe(`${expected.method} ${expected.url}`);
  for (const [name, value] of expected.headers) {
    if (name !== 'idempotency-key') {
      expect(request.headers[name]).toBe(value);
      continue;
    }
    const sent = String(request.headers[name]);
    expect(sent).toMatch(UUID);
    expect(sent).not.toBe(value);
    idempotencyKeysSent.push(sent);
  }
  if (expected.body === undefined) expect(request.body).toBe('');
  else expect(JSON.parse(request.body)).toEqual(expected.body);
  expectOneBearerCredential(request, keyless(operation) ? [] : undefined);
}

describe('generated samples', () => {
  let server: ExampleServer;

  beforeAll(async () => {
    server = await startExampleServer(spec, BASE_PATH);
  });
  afterAll(() => server?.close());
  afterEach(() => {
    server.requests.length = 0;
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('exist as files for every operation, with the text of its x-codeSamples, and nothing else', async () => {
    const expectedFiles = operations.flatMap((operation) =>
      samplesOf(operation).map((sample) => `${operation.operationId}${SUFFIX[sample.label]}`));
    expect((await readdir(samplesDir)).sort()).toEqual(expectedFiles.sort());
    for (const operation of operations) {
      expect(samplesOf(operation).map((s) => s.label)).toEqual(['curl', 'openapi-fetch', 'hey-api SDK']);
      for (const sample of samplesOf(operation)) {
        expect(await readFile(fileOf(operation, SUFFIX[sample.label]), 'utf8')).toBe(sample.source);
      }
    }
  });

  it('read the key from HERALD_API_KEY and never contain one', () => {
    // The spec's SecretKey pattern, unanchored: a key anywhere in a sample's text.
    const secretKey = ((spec.components as JsonObject).schemas as Record<string, JsonObject>).SecretKey;
    const keyPattern = new RegExp(String(secretKey.pattern).replace(/^\^|\$$/g, ''));
    for (const operation of operations) {
      for (const sample of samplesOf(operation)) {
        expect(sample.source).not.toMatch(keyPattern);
        if (keyless(operation)) expect(sample.source).not.toContain('HERALD_API_KEY');
        else expect(sample.source).toContain('HERALD_API_KEY');
      }
    }
  });

  it('are the ones Redoc is told to show (redocly.yaml openapi.codeSamples)', async () => {
    const config = YAML.parse(await readFile(join(REPO_ROOT, 'redocly.yaml'), 'utf8'));
    const shown = (config.openapi.codeSamples.languages as { lang: string; label?: string }[]).map((l) => l.label ?? l.lang);
    expect(shown).toEqual(samplesOf(operations[0]).map((sample) => sample.label));
  });

  describe.each(operations.map((operation) => [operation.operationId, operation] as const))('%s', (_, operation) => {
    const answer = exampleAnswer(spec, operation);

    it('curl sends the request and prints the answer', async () => {
      const { stdout } = await run('bash', [fileOf(operation, '.curl.sh')], {
        env: { PATH: process.env.PATH, HERALD_BASE_URL: server.baseUrl, HERALD_API_KEY: API_KEY },
      });
      expectRequestOf(operation, server.requests);
      if (answer.body === undefined) expect(stdout).toBe('');
      else expect(JSON.parse(stdout)).toEqual(answer.body);
    });

    it.each(['.openapi-fetch.ts', '.hey-api.ts'])('%s sends the request and prints the answer', async (suffix) => {
      vi.stubEnv('HERALD_BASE_URL', server.baseUrl);
      vi.stubEnv('HERALD_API_KEY', API_KEY);
      const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
      await import(pathToFileURL(fileOf(operation, suffix)).href);
      expectRequestOf(operation, server.requests, true);
      const body = answer.body as { data?: unknown } | undefined;
      // Bodies wrap their payload in `data`, except the partner program's bare feedback array.
      const payload = Array.isArray(body) ? body : body?.data;
      expect(printed.mock.calls).toEqual([[body === undefined ? answer.status : payload]]);
    });
  });

  it('mint a new Idempotency-Key for every request', () => {
    const idempotent = operations.filter((o) => o.parameters.some((p) => p.name.toLowerCase() === 'idempotency-key'));
    expect(idempotent.length).toBeGreaterThan(0);
    expect(idempotencyKeysSent).toHaveLength(idempotent.length * 3);
    expect(new Set(idempotencyKeysSent).size).toBe(idempotencyKeysSent.length);
  });
});
