// A thin typed Herald client: openapi-fetch over the types generated from the spec, plus the
// one thing those types cannot carry, the secret key in the header form you choose. Calls are
// `herald.GET('/ping')`, `herald.POST('/api-keys', { body })`…: paths, parameters, bodies and
// responses are checked against the spec by the compiler.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { securitySchemes } from '../generated/contract-facts.ts';
import type { paths } from '../generated/types/openapi.js';
import {
  AUTH_SCHEMES,
  credentialHeader,
  credentialHeaderNames,
  type AuthScheme,
  type SecuritySchemes,
} from './credentials.ts';

export { AUTH_SCHEMES, type AuthScheme } from './credentials.ts';
export type { paths, components, operations } from '../generated/types/openapi.js';

export interface HeraldClientOptions {
  /** The API base URL, ending in `/v1`, e.g. `https://api.herald.example/v1`. */
  baseUrl: string;
  /**
   * The secret key (`hk_live_…` or `hk_test_…`). `undefined` is accepted so that
   * `process.env.HERALD_API_KEY` can be passed as is; it is refused at once with a clear error.
   */
  apiKey: string | undefined;
  /** How to send the key: `Authorization: ApiKey …`, `Authorization: Bearer …` or `X-API-Key: …`. */
  scheme: AuthScheme;
  /** A fetch implementation to use instead of the global one (tests, proxies, retries). */
  fetch?: (request: Request) => Promise<Response>;
}

export type HeraldClient = Client<paths>;

export function createHeraldClient(options: HeraldClientOptions): HeraldClient {
  if (!options.apiKey) throw new TypeError('createHeraldClient: apiKey is empty (is HERALD_API_KEY set?)');
  if (!AUTH_SCHEMES.includes(options.scheme)) {
    throw new TypeError(`createHeraldClient: scheme must be one of ${AUTH_SCHEMES.join(', ')}`);
  }
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  client.use(credentialMiddleware(credentialHeader(securitySchemes as SecuritySchemes, options.scheme, options.apiKey)));
  return client;
}

/**
 * Sets the credential header on every request. A request that already carries a credential
 * header (set by the caller for one call) is refused here rather than sent: the server would
 * answer `ambiguous_credentials`, and the message here says which header to drop. The key itself
 * never appears in an error.
 */
function credentialMiddleware(header: { name: string; value: string }): Middleware {
  const credentialNames = credentialHeaderNames(securitySchemes as SecuritySchemes);
  return {
    onRequest({ request }) {
      const present = credentialNames.filter((name) => request.headers.has(name));
      if (present.length) {
        throw new TypeError(`The Herald client sends the key itself; remove the ${present.join(' and ')} header from this call`);
      }
      request.headers.set(header.name, header.value);
      return request;
    },
  };
}
