// The two clients of @herald/client, called the same way, so that one test checks both:
// `createHeraldClient` (openapi-fetch) and `createHeraldSdkClient` (the hey-api SDK). A call's
// outcome is what the application sees: a status and data, or an error — returned (openapi-fetch
// style, hey-api style) or thrown (collected here, so tests compare the two alike).
import { createHeraldClient, type HeraldClientOptions, type RateLimitState } from '../../index.ts';
import { createApiKey, createHeraldSdkClient, getUsage, ping, revokeApiKey } from '../../sdk.ts';

export interface Outcome {
  status: number | undefined;
  data: unknown;
  error: unknown;
}

export interface Caller {
  ping(init?: { signal?: AbortSignal }): Promise<Outcome>;
  /** POST /api-keys (takes an Idempotency-Key), with the caller's own key when given. */
  createKey(idempotencyKey?: string): Promise<Outcome>;
  /** DELETE /api-keys/{key_id} (takes none: revoking twice answers 404). */
  revokeKey(keyId: string): Promise<Outcome>;
  usage(): Promise<Outcome>;
  readonly rateLimit: RateLimitState | undefined;
}

export interface Flavour {
  name: string;
  make(options: HeraldClientOptions): Caller;
}

async function outcome(call: Promise<{ data?: unknown; error?: unknown; response?: Response }>): Promise<Outcome> {
  try {
    const { data, error, response } = await call;
    return { status: response?.status, data, error };
  } catch (error) {
    return { status: undefined, data: undefined, error };
  }
}

export const FLAVOURS: readonly Flavour[] = [
  {
    name: 'createHeraldClient',
    make(options) {
      const herald = createHeraldClient(options);
      return {
        ping: (init) => outcome(herald.GET('/ping', init)),
        createKey: (key) => outcome(herald.POST('/api-keys', { body: { name: 'Scripted' }, ...(key ? { params: { header: { 'Idempotency-Key': key } } } : {}) })),
        revokeKey: (keyId) => outcome(herald.DELETE('/api-keys/{key_id}', { params: { path: { key_id: keyId } } })),
        usage: () => outcome(herald.GET('/usage')),
        get rateLimit() {
          return herald.rateLimit;
        },
      };
    },
  },
  {
    name: 'createHeraldSdkClient',
    make(options) {
      const client = createHeraldSdkClient(options);
      return {
        ping: (init) => outcome(ping({ client, ...init })),
        createKey: (key) => outcome(createApiKey({ client, body: { name: 'Scripted' }, ...(key ? { headers: { 'Idempotency-Key': key } } : {}) })),
        revokeKey: (keyId) => outcome(revokeApiKey({ client, path: { key_id: keyId } })),
        usage: () => outcome(getUsage({ client })),
        get rateLimit() {
          return client.rateLimit;
        },
      };
    },
  },
];

/** Shaped like a key (so nothing mistakes it for a missing one); not a key of any account. */
export const API_KEY = `hk_test_${'R3dir3ct'.repeat(4)}abcd`;
