import { STATUS_CODES, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { Stamp } from './api-exchange.ts';
import { createApiServer, ROUTER_OPTIONS, routerPath, type ApiServer } from './api-server.ts';
import { FailedAuthThrottle, DEFAULT_FAILED_AUTH_LIMIT } from './auth-throttle.ts';
import { Authenticator } from './authenticator.ts';
import { createHttpDate, OffsetClock, type AdjustableClock, type Clock } from './clock.ts';
import { readFixture, seedStore, type Fixture, type SeededKey } from './fixture.ts';
import { OPERATION_HANDLERS } from './handlers.ts';
import { ExposureRegistry } from './exposure-registry.ts';
import { createLocalReporter, ReporterKeyRing, type LocalReporter, type ReporterPublicKey } from './reporter-keys.ts';
import { createReportRoute } from './report-route.ts';
import { WEBHOOK_HANDLERS } from './webhook-handlers.ts';
import { createHttpTransport, type Transport } from './webhook-transport.ts';
import { checkEventTypes, deliveryPolicy, WebhookService } from './webhooks.ts';
import { createHttpServer, type RefusedRequest } from './http-server.ts';
import { createRequestIdGenerator } from './ids.ts';
import { IdempotencyStore, type IdempotencyLimits } from './idempotency.ts';
import { createKeyHasher } from './key-hashing.ts';
import { leakAuditFromEnvironment, type LeakAudit } from './leak-audit.ts';
import { loggableUrl, loggerOptions, stdoutSink, type LogLevel, type LogSink } from './logging.ts';
import { PROBLEM_CONTENT_TYPE, ProblemCatalogue } from './problems.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { BodyFailure } from './request-body.ts';
import { sendBodyProblem, sendValidationIssue } from './request-problems.ts';
import { createSchemaCompiler } from './schema-compiler.ts';
import type { ServerContext } from './server-context.ts';
import { registerSiteRoutes, siteRoutePaths, type ServerStats } from './site-routes.ts';
import { DEFAULT_SPEC_PATH, loadContract, pathPattern, responseHeaderName, type Contract, type Operation } from './spec.ts';
import { InMemoryStore, type Store } from './store.ts';

// Builds the reference server: a fastify app around the API pipeline, whose routes, validation,
// problem documents, plan limits and scopes all come from the bundled spec. The path of a request:
//
//   socket → http-server.ts (requests that cannot be routed) → api-server.ts when it names an API
//   operation: request id + Date → auth-hook.ts (credential → throttle → key → rate limit →
//   account → scope) → body (413/415/400 here, after authentication) → operation-route.ts
//   (re-check, validation, idempotency) → handlers.ts → store.ts
//   → otherwise fastify: the site routes (site-routes.ts), 404 and 405


const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerOptions {
  /** The bundled spec (default generated/openapi.json). */
  specPath?: string;
  /** Seed data: a fixture object or a file path (default mock/fixtures/demo.json). */
  fixture?: Fixture | string;
  /** Time source of everything time-based (default: real time, adjustable by the test clock). */
  clock?: Clock;
  /** Serve /_herald/test-clock (needs an adjustable clock). Default true. */
  testClock?: boolean;
  /** Serve /_herald/stats (read-only counters; see site-routes.ts). Default true. */
  statsRoute?: boolean;
  /** Multiplies every plan's per-minute limit (rounded, at least 1). Default 1. */
  rateLimitScale?: number;
  /** Failed authentications per address and minute before the address is throttled. Default 500. */
  failedAuthLimit?: number;
  /** Addresses the failed-auth throttle tracks at most. Default 10,000. */
  throttleCapacity?: number;
  idempotencyLimits?: IdempotencyLimits;
  logLevel?: LogLevel;
  /** Where log lines go (default stdout); each line is scrubbed of key-like strings first. */
  logSink?: LogSink;
  /** The HMAC secret of key digests (default: 32 random bytes per process). */
  serverSecret?: Buffer;
  /** The API base URL getEnvironment reports until `herald.setPublicBaseUrl` is called. */
  publicBaseUrl?: string;
  docsPath?: string;
  specYamlPath?: string;
  store?: Store;
  /** Called with every secret the server issues (seeded, created, regenerated); tests count them. */
  onSecretIssued?: (secret: string) => void;
  /**
   * Test-only: where to copy log lines and issued secrets for the whole-run secret audit.
   * Default: from HERALD_LEAK_AUDIT_DIR (see leak-audit.ts), i.e. none outside an audited run.
   */
  leakAudit?: LeakAudit | null;
  /** Reporter public keys trusted for leaked-key reports, besides the fixture's and the local reporter's. */
  reporterPublicKeys?: readonly ReporterPublicKey[];
  /** Host names or addresses webhooks may be delivered to besides loopback (`--webhook-allow-host`). */
  webhookAllowHosts?: readonly string[];
  /** How a delivery attempt is sent (default: HTTP with the destination check); tests inject one. */
  webhookTransport?: Transport;
  /** How long an attempt may take before it counts as failed (default: the spec's policy, 10 s). */
  webhookTimeoutMs?: number;
  /** How long before `expires_at` api_key.expiring is sent (default 7 days). */
  expiringNoticeSeconds?: number;
  /** Check for due retries and expiries every this many real milliseconds (default 1000; 0: only when asked). */
  webhookPollMs?: number;
}

/** What the app exposes about itself, for the CLI, tests and benchmarks. */
export interface HeraldHandle {
  readonly contract: Contract;
  readonly store: Store;
  readonly clock: Clock;
  readonly seededKeys: readonly SeededKey[];
  readonly testClockEnabled: boolean;
  readonly statsRouteEnabled: boolean;
  /** The reporter made at start-up: its private key signs local leaked-key reports (tests, the suite). */
  readonly localReporter: LocalReporter;
  readonly webhooks: WebhookService;
  setPublicBaseUrl(url: string): void;
  /** Sizes of the bounded in-memory tables. */
  stats(): { rateLimitedKeys: number; throttledAddresses: number; idempotencyRecords: number; storeLookups: number };
  /** Everything the server keeps about keys and requests (store and idempotency records), JSON-ready. */
  dumpState(): { store: ReturnType<Store['dump']>; idempotency: ReturnType<IdempotencyStore['dump']> };
}

declare module 'fastify' {
  interface FastifyInstance {
    herald: HeraldHandle;
  }
  interface FastifyContextConfig {
    /** An API operation's route (see registerOperation). */
    api?: boolean;
  }
}

export function buildServer(options: ServerOptions = {}): FastifyInstance {
  const specPath = options.specPath ?? DEFAULT_SPEC_PATH;
  const contract = loadContract(specPath);
  const requestIdHeader = responseHeaderName(contract, 'XRequestId');
  const clock = options.clock ?? new OffsetClock();
  const hasher = createKeyHasher(options.serverSecret);
  const store = options.store ?? new InMemoryStore();
  const requestCompiler = createSchemaCompiler(contract.document, { useDefaults: true });
  const logLevel = options.logLevel ?? 'info';
  const nextRequestId = createRequestIdGenerator();
  const leakAudit = options.leakAudit === undefined ? leakAuditFromEnvironment() : options.leakAudit;
  const logSink = options.logSink ?? stdoutSink;
  const onSecretIssued = (secret: string) => {
    leakAudit?.recordSecret(secret);
    options.onSecretIssued?.(secret);
  };

  const app = Fastify({
    logger: loggerOptions(logLevel, leakAudit ? leakAudit.teeLog(logSink) : logSink),
    // Per-request child loggers cost an allocation per request; log lines carry the id themselves.
    childLoggerFactory: (logger) => logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: nextRequestId,
    requestIdHeader: false,
    bodyLimit: contract.maxBodyBytes,
    exposeHeadRoutes: false,
    routerOptions: { ...ROUTER_OPTIONS },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    forceCloseConnections: true,
    return503OnClosing: false,
    clientErrorHandler: (error, socket) => answerMalformedRequest(error, socket, nextRequestId(), context, httpDate),
    serverFactory: (handler, fastifyOptions) =>
      createHttpServer(
        (request, response) => {
          if (!api.serve(request, response)) handler(request, response);
        },
        (response, why) => refuseUnroutable(response, why, nextRequestId(), context, httpDate),
        fastifyOptions,
      ),
    frameworkErrors: (_error, request, reply) => {
      stamp(request, reply);
      sendValidationIssue(context, reply as FastifyReply, { location: 'path', pointer: '', message: 'is not a valid URL path' });
    },
  });

  checkEventTypes(contract);
  const context: ServerContext = {
    contract,
    problems: new ProblemCatalogue(contract.problems),
    store,
    hasher,
    authenticator: new Authenticator(store, hasher),
    limiter: new RateLimiter(),
    throttle: new FailedAuthThrottle(options.failedAuthLimit ?? DEFAULT_FAILED_AUTH_LIMIT, options.throttleCapacity),
    idempotency: new IdempotencyStore(options.idempotencyLimits),
    clock,
    rateLimitScale: validScale(options.rateLimitScale ?? 1),
    log: app.log,
    publicBaseUrl: options.publicBaseUrl ?? 'http://localhost:4010' + contract.basePath,
    onSecretIssued,
    webhooks: new WebhookService(store, clock, {
      transport: options.webhookTransport ?? createHttpTransport({ allowHosts: options.webhookAllowHosts ?? [] }),
      policy: deliveryPolicy(contract),
      attemptTimeoutMs: options.webhookTimeoutMs,
      expiringNoticeSeconds: options.expiringNoticeSeconds,
      onSecretIssued,
    }),
    exposures: new ExposureRegistry(),
  };

  const fixture = typeof options.fixture === 'object' ? options.fixture : readFixture(options.fixture);
  const localReporter = createLocalReporter();
  const reporters = new ReporterKeyRing([
    { key_identifier: localReporter.keyIdentifier, key: localReporter.publicKeyPem },
    ...(fixture.reporter_public_keys ?? []),
    ...(options.reporterPublicKeys ?? []),
  ]);
  // Retries and time-based events fall due by the server's clock; a real-time timer looks for
  // them (the test clock's route and tests ask directly).
  const pollMs = options.webhookPollMs ?? 1000;
  if (pollMs > 0) {
    const timer = setInterval(() => context.webhooks.runDue(), pollMs);
    timer.unref();
    app.addHook('onClose', (_instance, done) => {
      clearInterval(timer);
      done();
    });
  }
  const seededKeys = seedStore(store, hasher, fixture, contract, requestCompiler, clock.now());
  for (const key of seededKeys) onSecretIssued(key.secret);
  if (leakAudit) app.addHook('onClose', (_instance, done) => {
    leakAudit.close();
    done();
  });

  const httpDate = createHttpDate(clock);
  /** Every response carries its request id and a `Date` from the server clock. */
  const stamp: Stamp = (request, reply, at) => {
    reply.header(requestIdHeader, request.id);
    reply.header('date', httpDate(at));
  };
  const stampHook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    stamp(request, reply);
    done();
  };
  // The root context answers 404 and 405: a body sent there is read and dropped, never parsed
  // (a JSON parse error must not turn a 405 into a 400). Each operation brings its own parsers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', drainBody);
  const logRequests = logLevel === 'debug' || logLevel === 'trace';
  if (logRequests) {
    app.addHook('onResponse', (request, reply, done) => {
      // The API pipeline logs its own requests (also those app.inject hands it through fastify).
      if (request.routeOptions.config.api === true) {
        done();
        return;
      }
      app.log.debug(
        {
          requestId: request.id,
          method: request.method,
          url: loggableUrl(request.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request',
      );
      done();
    });
  }

  // Where each known path is served and with which methods, for 405 answers.
  const knownPaths: Array<{ pattern: RegExp; methods: string[] }> = [];

  const api: ApiServer = createApiServer({
    context,
    compiler: requestCompiler,
    handlers: { ...OPERATION_HANDLERS, ...WEBHOOK_HANDLERS },
    nextRequestId,
    stamp,
    logRequests,
  });
  for (const operation of contract.operations) {
    if (operation.scopesByForm === null) {
      // The only operation without an API key is the signed leaked-key report: fastify serves it,
      // its body handed over as the bytes received (the signature covers exactly them).
      if (operation.operationId !== 'reportLeakedKeys') throw new Error(`the spec's operation ${operation.operationId} takes no API key, and the server knows no other authentication for it`);
      registerReport(app, createReportRoute(context, requestCompiler, operation, reporters), operation, stampHook);
      continue;
    }
    registerOperation(app, api, operation);
  }
  for (const [template, operations] of groupByPath(contract.operations)) {
    knownPaths.push({ pattern: pathPattern(template), methods: operations.map((o) => o.method) });
  }

  const testClock = options.testClock !== false && isAdjustable(clock) ? clock : null;
  // The counters behind /_herald/stats and `herald.stats()` (the benchmark's view of the same).
  const stats = (): ServerStats => ({
    store_lookups: store.lookups,
    rate_limited_keys: context.limiter.trackedKeys,
    throttled_addresses: context.throttle.trackedAddresses,
    idempotency_records: context.idempotency.size,
  });
  const statsRoute = options.statsRoute !== false ? stats : null;
  // The site routes live in their own context, so its stamping hook does not run on API routes
  // (whose authentication hook stamps them itself: one hook per request, not two).
  const siteOptions = {
    specJsonPath: specPath,
    specYamlPath: options.specYamlPath ?? specPath.replace(/\.json$/, '.yaml'),
    docsPath: options.docsPath ?? `${REPO_ROOT}docs/index.html`,
    testClock,
    stats: statsRoute,
  };
  const siteRoutes = siteRoutePaths({ testClock: testClock !== null, stats: statsRoute !== null });
  app.register(async (scope) => {
    scope.addHook('onRequest', stampHook);
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
    registerSiteRoutes(scope, context, siteOptions);
  });
  for (const [path, methods] of siteRoutes) knownPaths.push({ pattern: pathPattern(path), methods });

  const answerUnknownRoute = (request: FastifyRequest, reply: FastifyReply) => {
    stamp(request, reply);
    const path = routedPath(request.url);
    const known = knownPaths.find((entry) => entry.pattern.test(path));
    if (known && !known.methods.includes(request.method)) {
      reply.header('allow', known.methods.join(', '));
      context.problems.send(
        reply,
        'method_not_allowed',
        `${request.method} is not allowed on this route; it allows ${known.methods.join(', ')}.`,
      );
      return;
    }
    context.problems.send(reply, 'not_found', 'There is no such route. The API lives under ' + contract.basePath + '/.');
  };
  app.setNotFoundHandler(answerUnknownRoute);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Fastify refuses a malformed Content-Type before it looks for a route; without a route
    // that is still a 404 or a 405.
    if (request.is404) answerUnknownRoute(request, reply);
    else answerError(error, request, reply, context);
  });

  app.decorate('herald', {
    contract,
    store,
    clock,
    seededKeys,
    testClockEnabled: testClock !== null,
    statsRouteEnabled: statsRoute !== null,
    localReporter,
    webhooks: context.webhooks,
    setPublicBaseUrl(url: string) {
      context.publicBaseUrl = url;
    },
    stats: () => {
      const counters = stats();
      return {
        rateLimitedKeys: counters.rate_limited_keys,
        throttledAddresses: counters.throttled_addresses,
        idempotencyRecords: counters.idempotency_records,
        storeLookups: counters.store_lookups,
      };
    },
    dumpState: () => ({ store: store.dump(), idempotency: context.idempotency.dump() }),
  } satisfies HeraldHandle);

  return app;
}

/**
 * The operation's route in fastify, which only `app.inject` reaches (the HTTP server hands API
 * requests to the pipeline before fastify sees them): it hands the request to the same pipeline
 * before fastify reads its body.
 */
function registerOperation(app: FastifyInstance, api: ApiServer, operation: Operation) {
  app.route({
    method: operation.method,
    url: routerPath(operation),
    config: { api: true },
    onRequest: (request, reply) => {
      reply.hijack();
      api.serveRouted(operation, request.raw, reply.raw, request.params as Record<string, string>, request.query as Record<string, string | string[]>);
    },
    handler: () => undefined,
  });
}

/** The report's body reaches its handler as the bytes received: the signature covers exactly them. */
function registerReport(
  app: FastifyInstance,
  handler: (request: FastifyRequest, reply: FastifyReply) => void,
  operation: Operation,
  stampHook: (request: FastifyRequest, reply: FastifyReply, done: () => void) => void,
) {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.route({ method: operation.method, url: routerPath(operation), onRequest: stampHook, handler });
  });
}

/** Reads and drops a body: leaving it unread would leave its bytes on a kept-alive connection. */
function drainBody(_request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: unknown) => void) {
  payload.on('error', () => done(null, undefined));
  payload.on('end', () => done(null, undefined));
  payload.resume();
}

/** What fastify throws when it cannot take a body, as the pipeline's own body failures. */
const FASTIFY_BODY_FAILURES: Readonly<Record<string, BodyFailure>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'length_mismatch',
};

/** Maps what fastify throws (body too large, bad JSON, wrong content type, …) to problems. */
function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, context: ServerContext) {
  const status = (error as { statusCode?: number }).statusCode;
  const failure = FASTIFY_BODY_FAILURES[error.code] ?? (typeof status === 'number' && status >= 400 && status < 500 ? 'unreadable' : undefined);
  if (failure !== undefined) {
    sendBodyProblem(context, reply, failure);
    return;
  }
  context.log.error({ err: error, requestId: request.id, method: request.method, url: loggableUrl(request.url) }, 'unexpected error');
  context.problems.send(reply, 'internal_error', 'The server failed. Retry the request with the same Idempotency-Key.');
}

/**
 * A request Node's HTTP parser refused (oversized headers, a malformed request line, a timeout)
 * never reaches fastify; it still gets a problem document, written straight to the socket.
 */
function answerMalformedRequest(
  error: Error & { code?: string },
  socket: Socket,
  requestId: string,
  context: ServerContext,
  httpDate: (at?: number) => string,
) {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  // Requests pipelined before the malformed one may still be being answered: their answers go
  // first, in order (otherwise this one would take the place of an earlier answer and the
  // connection would close on the rest). Node keeps the response it is writing on the socket.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight) {
    inFlight.once('close', () => answerMalformedRequest(error, socket, requestId, context, httpDate));
    return;
  }
  const message =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'are larger than the server accepts'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'were not received in time'
        : 'are not a well-formed HTTP request';
  const body = context.problems.serialize('validation_failed', `The request headers ${message}.`, requestId, {
    errors: [{ location: 'header', pointer: '', message }],
  });
  const status = context.problems.status('validation_failed');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `${responseHeaderName(context.contract, 'XRequestId')}: ${requestId}\r\nDate: ${httpDate()}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A request that cannot be routed (see http-server.ts): 400, and the connection closes. */
function refuseUnroutable(response: ServerResponse, why: RefusedRequest, requestId: string, context: ServerContext, httpDate: (at?: number) => string) {
  const where = why.pointer ? `request header ${why.pointer}` : 'request';
  const body = context.problems.serialize('validation_failed', `The ${where} ${why.message}.`, requestId, {
    errors: [{ location: why.location, pointer: why.pointer, message: why.message }],
  });
  response.shouldKeepAlive = false;
  response.writeHead(context.problems.status('validation_failed'), {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    [responseHeaderName(context.contract, 'XRequestId')]: requestId,
    date: httpDate(),
  });
  response.end(body);
}

/**
 * The path a request target names, as the router reads it: without scheme and authority (an
 * absolute-form target), query or fragment, and percent-decoded except for reserved characters
 * (so `/v1/%70ing` is `/v1/ping`, whose other methods get 405 like the plain path's).
 */
export function routedPath(url: string): string {
  let path = url.replace(/^https?:\/\/[^/?#]*/i, '');
  const end = path.search(/[?#]/);
  if (end >= 0) path = path.slice(0, end);
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

function groupByPath(operations: readonly Operation[]): Map<string, Operation[]> {
  const groups = new Map<string, Operation[]>();
  for (const operation of operations) {
    const list = groups.get(operation.servedPath) ?? [];
    list.push(operation);
    groups.set(operation.servedPath, list);
  }
  return groups;
}


function validScale(scale: number): number {
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError('the rate-limit scale must be a positive number');
  return scale;
}

function isAdjustable(clock: Clock): clock is AdjustableClock {
  return typeof (clock as AdjustableClock).advance === 'function';
}
