// A typed Herald client: openapi-fetch over the types generated from the spec, sending through
// the Herald transport (transport.ts: redirects that keep the key home, retries that cannot send
// twice, timeouts, User-Agent, rate-limit state). Calls are `herald.GET('/ping')`,
// `herald.POST('/api-keys', { body })`…: paths, parameters, bodies and responses are checked
// against the spec by the compiler. A failed call answers `{ error, response }` as openapi-fetch
// does, `error` being a HeraldApiError that still carries the problem body.
import createClient, { createQuerySerializer, type ClientPathsWithMethod, type FetchResponse, type MaybeOptionalInit, type MethodResponse, type Middleware, type Client } from 'openapi-fetch';
import type { paths } from '../generated/types/openapi.js';
import { idempotencyKey } from '../generated/contract-facts.ts';
import { checkedKey, CREDENTIAL_HEADERS, credentialFor } from './authenticate.ts';
import type { AuthScheme } from './credentials.ts';
import { errorOfResponse, HeraldApiError, HeraldConnectionError, HeraldError } from './errors.ts';
import { everyItem, pageMembers, takesIdempotencyKey, type PaginatedPath } from './operations.ts';
import { CALL, createTransport, PreparedRequest, type Transport, type TransportOptions } from './transport.ts';
import type { RateLimitState } from './rate-limit.ts';
import { userAgent } from './user-agent.ts';

export { AUTH_SCHEMES, type AuthScheme } from './credentials.ts';
export type { paths, components, operations } from '../generated/types/openapi.js';
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
export type { RateLimitState } from './rate-limit.ts';
export type { Clock } from './clock.ts';
export { DEFAULTS } from './defaults.ts';
export type { TransportOptions } from './transport.ts';
export type { PaginatedPath } from './operations.ts';

export interface HeraldClientOptions extends TransportOptions {
  /** The API base URL, ending in `/v1`, e.g. `https://api.herald.example/v1`. */
  baseUrl: string;
  /**
   * The secret key (`hk_live_…` or `hk_test_…`). `undefined` is accepted so that
   * `process.env.HERALD_API_KEY` can be passed as is; it is refused at once with a clear error.
   */
  apiKey: string | undefined;
  /** How to send the key: `Authorization: ApiKey …`, `Authorization: Bearer …` or `X-API-Key: …`. */
  scheme: AuthScheme;
}

type Media = `${string}/${string}`;
type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
type RequiredKeysOf<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
/** openapi-fetch's: the init argument is optional when nothing in it is required. */
type InitParam<Init> = RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

/** openapi-fetch's result, with `error` a HeraldApiError that also carries the operation's problem body. */
export type HeraldResponse<R> = R extends { error: infer Problem; response: Response } ? { data?: never; error: HeraldApiError & Problem; response: Response } : R;

type HeraldMethod<Paths extends {}, M extends HttpMethod> = <
  Path extends ClientPathsWithMethod<Client<Paths>, M>,
  Init extends MaybeOptionalInit<Paths[Path], M & keyof Paths[Path]>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<HeraldResponse<FetchResponse<Extract<Paths[Path][M & keyof Paths[Path]], Record<string | number, any>>, Init, Media>>>;

/** The items of a paginated operation's pages. */
export type PageItem<P extends PaginatedPath> = MethodResponse<Client<paths>, 'get', P> extends { data: (infer Item)[] } ? Item : never;
/** A paginated operation's query parameters, but the cursor: `paginate` moves it. */
export type PageQuery<P extends PaginatedPath> = Omit<NonNullable<paths[P]['get']['parameters']['query']>, 'cursor'>;

export interface HeraldClient {
  GET: HeraldMethod<paths, 'get'>;
  PUT: HeraldMethod<paths, 'put'>;
  POST: HeraldMethod<paths, 'post'>;
  DELETE: HeraldMethod<paths, 'delete'>;
  OPTIONS: HeraldMethod<paths, 'options'>;
  HEAD: HeraldMethod<paths, 'head'>;
  PATCH: HeraldMethod<paths, 'patch'>;
  TRACE: HeraldMethod<paths, 'trace'>;
  /** Registers openapi-fetch middleware; it runs before the Herald transport sees the request (a middleware that returns a new Request costs the client its fast path, nothing else). */
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
  /**
   * Every item of a cursor-paginated operation, page after page as you consume them:
   * `for await (const key of herald.paginate('/api-keys', { limit: 100 }))`. A failed page
   * throws its HeraldApiError.
   */
  paginate<P extends PaginatedPath>(path: P, query?: PageQuery<P>, init?: { signal?: AbortSignal }): AsyncGenerator<PageItem<P>, void, undefined>;
  /** The rate-limit state of the last response that reported one (either header family); undefined before. */
  readonly rateLimit: RateLimitState | undefined;
}

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

export function createHeraldClient(options: HeraldClientOptions): HeraldClient {
  const apiKey = checkedKey(options, 'createHeraldClient');
  const transport = createTransport(options);
  const credential = credentialFor(options.scheme, apiKey);
  // The key and the User-Agent go in as openapi-fetch's default headers: no middleware per call.
  // Middleware sees Requests, so once some is registered calls go through a second client that
  // builds them; until then openapi-fetch builds PreparedRequests (see transport.ts).
  const clientOptions = {
    baseUrl: options.baseUrl,
    // Made once here rather than by openapi-fetch on every call (its default is options, not a function).
    querySerializer: createQuerySerializer(),
    fetch: transport.fetch as (request: Request) => Promise<Response>,
    headers: { [credential.name]: credential.value, 'User-Agent': userAgent() },
  };
  const fast = createClient<paths>({ ...clientOptions, Request: PreparedRequest as unknown as typeof Request });
  const withMiddleware = createClient<paths>(clientOptions);
  const registered = new Set<Middleware>();

  /** One call: the checks and the Idempotency-Key before it, the HeraldApiError after it. */
  async function call(method: (typeof METHODS)[number], url: string, init: CallInit | undefined) {
    refuseCallerCredentials(init);
    const sent = transport.startCall(init?.signal ?? undefined);
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      const inner = registered.size > 0 ? withMiddleware : fast;
      result = await (inner[method] as (url: string, init: object) => Promise<typeof result>)(url, {
        ...withIdempotencyKey(method, url, init),
        [CALL]: sent,
      });
    } catch (error) {
      // The transport's own errors say what happened; a body read cut short says it less well.
      if (error instanceof HeraldError) throw error;
      const reason = sent.abortReason();
      if (reason !== undefined) throw reason;
      if (error instanceof TypeError) throw new HeraldConnectionError(`${method} ${url}: the connection broke while the answer was read`, 1, { cause: error });
      throw error;
    } finally {
      sent.finish();
    }
    if (result.response.ok) return result;
    const error = errorOfResponse(result.error, result.response, transport.clock.now(), apiKey);
    if (!(error instanceof HeraldApiError)) throw error;
    return { error, response: result.response };
  }

  const methods = Object.fromEntries(METHODS.map((method) => [method, (url: string, init?: CallInit) => call(method, url, init)]));
  const herald: HeraldClient = {
    ...(methods as unknown as Pick<HeraldClient, (typeof METHODS)[number]>),
    use(...middleware) {
      withMiddleware.use(...middleware);
      for (const m of middleware) if (m) registered.add(m);
    },
    eject(...middleware) {
      withMiddleware.eject(...middleware);
      for (const m of middleware) registered.delete(m);
    },
    paginate(path, query, init) {
      const members = pageMembers(path);
      return everyItem(members, async (cursor) => {
        const { data, error } = await call('GET', path, { ...init, params: { query: { ...query, [members.cursor]: cursor } } });
        if (error) throw error;
        return data as Record<string, unknown>;
      });
    },
    get rateLimit() {
      return transport.rateLimit;
    },
  };
  return herald;
}

/** What this module reads of a call's init; openapi-fetch reads the rest. */
interface CallInit {
  signal?: AbortSignal | null;
  headers?: HeadersInit | Record<string, unknown>;
  params?: { header?: Record<string, unknown>; [location: string]: unknown };
  [option: string]: unknown;
}

/** The names of the headers a call's init sets, lower-cased (openapi-fetch merges `headers` and `params.header`). */
function headerNames(init: CallInit | undefined): string[] {
  const names: string[] = [];
  const { headers, params } = init ?? {};
  if (headers instanceof Headers) headers.forEach((_, name) => names.push(name));
  else if (Array.isArray(headers)) for (const [name] of headers) names.push(name.toLowerCase());
  else if (headers) for (const [name, value] of Object.entries(headers)) if (value != null) names.push(name.toLowerCase());
  if (params?.header) for (const [name, value] of Object.entries(params.header)) if (value != null) names.push(name.toLowerCase());
  return names;
}

/**
 * A call that sets a credential header of its own is refused before anything is sent: the server
 * would answer `ambiguous_credentials` (or get the caller's key instead of the client's), and the
 * message says which header to drop. The key itself never appears in an error.
 */
function refuseCallerCredentials(init: CallInit | undefined): void {
  if (!init?.headers && !init?.params?.header) return;
  const present = headerNames(init).filter((name) => CREDENTIAL_HEADERS.includes(name));
  if (present.length) throw new TypeError(`The Herald client sends the key itself; remove the ${present.join(' and ')} header from this call`);
}

/** The init with an Idempotency-Key for an operation that takes one and was given none: one per call, the same on every retry. */
function withIdempotencyKey(method: string, url: string, init: CallInit | undefined): CallInit | undefined {
  if (!takesIdempotencyKey(method, url) || headerNames(init).includes(IDEMPOTENCY_HEADER)) return init;
  return { ...init, params: { ...init?.params, header: { ...init?.params?.header, [idempotencyKey.header]: crypto.randomUUID() } } };
}

const IDEMPOTENCY_HEADER = idempotencyKey.header.toLowerCase();
