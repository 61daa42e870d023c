// The samples against the real reference server (mock/), with the demo development key: every
// operation that needs no existing resource succeeds and prints its `data`; one that names a
// resource by the spec's example id gets a clean problem (that id exists only in the spec).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../mock/src/testing.ts';
import { SAMPLES_DIR } from '../generate/code-samples.ts';
import { listOperations, type JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';

const run = promisify(execFile);
const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as JsonObject;
const operations = listOperations(spec);
// The leaked-key report takes no key but a reporter's signature, which a sample cannot make: its
// samples send the spec's example signature (GitHub's) and get a clean refusal, tested below.
const standalone = operations.filter((operation) => !operation.parameters.some((p) => p.in === 'path') && operation.operationId !== 'reportLeakedKeys');
const sample = (operationId: string, suffix: string) => join(REPO_ROOT, SAMPLES_DIR, `${operationId}${suffix}`);

describe('samples against the reference server', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer();
  });
  afterAll(() => server?.close());
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('covers the operations that need no existing resource', () => {
    expect(standalone.map((operation) => operation.operationId).sort())
      .toEqual(['createApiKey', 'createWebhookEndpoint', 'getEnvironment', 'getUsage', 'listApiKeys', 'listWebhookEndpoints', 'ping', 'sendNotification']);
  });

  describe.each(standalone.map((operation) => [operation.operationId] as const))('%s', (operationId) => {
    it('curl prints a success body', async () => {
      const { stdout } = await run('bash', [sample(operationId, '.curl.sh')], {
        env: { PATH: process.env.PATH, HERALD_BASE_URL: server.baseUrl, HERALD_API_KEY: server.keys.HERALD_API_KEY },
      });
      expect(JSON.parse(stdout)).toHaveProperty('data');
    });

    it.each(['.openapi-fetch.ts', '.hey-api.ts'])('%s prints the data', async (suffix) => {
      vi.stubEnv('HERALD_BASE_URL', server.baseUrl);
      vi.stubEnv('HERALD_API_KEY', server.keys.HERALD_API_KEY);
      const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
      await import(pathToFileURL(sample(operationId, suffix)).href);
      expect(printed).toHaveBeenCalledTimes(1);
      expect(printed.mock.calls[0][0]).toBeTypeOf('object');
    });
  });

  it('the leaked-key report samples send no key and get a clean 401 for the example signature', async () => {
    const { stdout } = await run('bash', ['-c', `bash ${sample('reportLeakedKeys', '.curl.sh')}`], {
      env: { PATH: process.env.PATH, HERALD_BASE_URL: server.baseUrl },
    });
    expect(JSON.parse(stdout)).toMatchObject({ status: 401, code: 'invalid_report_signature' });
    vi.stubEnv('HERALD_BASE_URL', server.baseUrl);
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await expect(import(pathToFileURL(sample('reportLeakedKeys', '.openapi-fetch.ts')).href)).rejects.toThrow(/^401 invalid_report_signature: /);
  });

  it('a sample naming an example id gets a clean 404 problem, not a crash', async () => {
    vi.stubEnv('HERALD_BASE_URL', server.baseUrl);
    vi.stubEnv('HERALD_API_KEY', server.keys.HERALD_API_KEY);
    await expect(import(pathToFileURL(sample('getApiKey', '.openapi-fetch.ts')).href)).rejects.toThrow(/^404 not_found: /);
  });
});
