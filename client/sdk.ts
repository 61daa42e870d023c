// `@herald/client/sdk`: the SDK that @hey-api/openapi-ts generates from the spec (one function
// per operation), and `createHeraldSdkClient`, a hey-api client with everything
// `createHeraldClient` has: the key in the form you choose, the Herald transport (redirects,
// retries, timeout, User-Agent), an Idempotency-Key per call where the operation takes one,
// HeraldApiError for problems, `paginate` and `rateLimit`. Pass it to each call:
// `ping({ client: herald })`. The default `client` is hey-api's, configured with `setConfig`;
// it sends through the Herald transport too (sdk-defaults.ts), but knows no key of its own.
import { createClient, createConfig, type Client } from '../generated/sdk/client/index.ts';
import { checkedKey, credentialFor, setCredential } from './authenticate.ts';
import { errorOfResponse } from './errors.ts';
import type { HeraldClientOptions, PageItem, PageQuery } from './index.ts';
import { addIdempotencyKey, everyItem, pageMembers, type PaginatedPath } from './operations.ts';
import type { RateLimitState } from './rate-limit.ts';
import { createTransport } from './transport.ts';

export * from '../generated/sdk/index.ts';
export { client } from '../generated/sdk/client.gen.ts';
export { createClient, createConfig } from '../generated/sdk/client/index.ts';
export type { Auth, Client, Config } from '../generated/sdk/client/index.ts';
export {
  HeraldApiError,
  HeraldConnectionError,
  HeraldError,
  HeraldRedirectError,
  HeraldResponseError,
  HeraldTimeoutError,
  type ErrorCode,
  type ValidationIssue,
} from './errors.ts';
export type { HeraldClientOptions, PageItem, PageQuery, PaginatedPath, RateLimitState };

export type HeraldSdkClient = Client & {
  /** Every item of a cursor-paginated operation: `for await (const key of herald.paginate('/api-keys', { limit: 100 }))`. */
  paginate<P extends PaginatedPath>(path: P, query?: PageQuery<P>, init?: { signal?: AbortSignal }): AsyncGenerator<PageItem<P>, void, undefined>;
  /** The rate-limit state of the last response that reported one (either header family); undefined before. */
  readonly rateLimit: RateLimitState | undefined;
};

export function createHeraldSdkClient(options: HeraldClientOptions): HeraldSdkClient {
  const apiKey = checkedKey(options, 'createHeraldSdkClient');
  const credential = credentialFor(options.scheme, apiKey);
  const transport = createTransport(options);
  const client = createClient(createConfig({ baseUrl: options.baseUrl, fetch: transport.fetch as typeof fetch }));
  client.interceptors.request.use((request, opts) => {
    setCredential(request, credential);
    addIdempotencyKey(request, opts.url);
    return request;
  });
  // hey-api answers every failure as `error` (a network one too); a problem becomes a HeraldApiError.
  client.interceptors.error.use((error, response) => (response ? errorOfResponse(error, response, transport.clock.now(), apiKey) : error));

  const paginate: HeraldSdkClient['paginate'] = (path, query, init) => {
    const members = pageMembers(path);
    return everyItem(members, async (cursor) => {
      const { data, error } = await client.get({ url: path, ...init, query: { ...query, [members.cursor]: cursor } });
      if (error !== undefined) throw error;
      return data as Record<string, unknown>;
    });
  };
  return Object.defineProperties(client, {
    paginate: { value: paginate, enumerable: true },
    rateLimit: { get: () => transport.rateLimit, enumerable: true },
  }) as HeraldSdkClient;
}
