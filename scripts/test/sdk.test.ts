// The hey-api SDK carries each operation's three security alternatives and, given the `auth`
// callback the way hey-api intends (a value for the one scheme in use, `undefined` for the
// others), sends the key in exactly one header. A fake `fetch` is injected into the client.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../generated/sdk/client/index.ts';
import * as sdk from '../../generated/sdk/sdk.gen.ts';
import type { Auth } from '../../generated/sdk/core/auth.gen.ts';
import { listOperations, type JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';

const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as JsonObject;
const operations = listOperations(spec);
const API_KEY = `hk_test_${'Qq7'.repeat(10)}000000`;

/** For each form: the auth callback an app writes, and the one header that must come out. */
const FORMS = {
  ApiKey: {
    auth: (auth: Auth) => (auth.type === 'apiKey' && auth.name === 'Authorization' ? `ApiKey ${API_KEY}` : undefined),
    header: ['authorization', `ApiKey ${API_KEY}`],
  },
  Bearer: {
    auth: (auth: Auth) => (auth.scheme === 'bearer' ? API_KEY : undefined),
    header: ['authorization', `Bearer ${API_KEY}`],
  },
  'X-API-Key': {
    auth: (auth: Auth) => (auth.type === 'apiKey' && auth.name === 'X-API-Key' ? API_KEY : undefined),
    header: ['x-api-key', API_KEY],
  },
} as const;

type SdkFunction = (options: Record<string, unknown>) => Promise<unknown>;

describe('generated SDK (@hey-api/openapi-ts)', () => {
  it('has one function per operation', () => {
    expect(Object.keys(sdk).sort()).toEqual(operations.map((operation) => operation.operationId).sort());
  });

  describe.each(Object.entries(FORMS))('with the auth callback for %s', (_, form) => {
    it('sends the key in exactly one header on every operation', async () => {
      const requests: Request[] = [];
      const client = createClient({
        baseUrl: 'http://127.0.0.1:9/v1',
        auth: form.auth,
        fetch: async (input) => {
          requests.push(input as Request);
          return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
        },
      });
      for (const operation of operations) {
        const call = (sdk as unknown as Record<string, SdkFunction>)[operation.operationId];
        const path = Object.fromEntries(operation.parameters.filter((p) => p.in === 'path').map((p) => [p.name, 'x']));
        await call({ client, path, ...(operation.object.requestBody ? { body: {} } : {}) });
      }
      expect(requests).toHaveLength(operations.length);
      requests.forEach((request, i) => {
        const credentials = [...request.headers].filter(([name]) => name === 'authorization' || name === 'x-api-key');
        // The signed leaked-key report (`security: []`) takes no key, and the SDK sends none.
        const security = operations[i].object.security;
        const keyless = Array.isArray(security) && security.length === 0;
        expect(credentials, `${request.method} ${request.url}`).toEqual(keyless ? [] : [form.header]);
      });
    });
  });
});
