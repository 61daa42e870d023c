import type { IncomingMessage, ServerResponse } from 'node:http';
import FindMyWay from 'find-my-way';
import { ApiReply, ApiRequest, type Stamp } from './api-exchange.ts';
import { createAuthHook, type AuthHook } from './auth-hook.ts';
import { connectionKeyMemos, type PresentedKeyMemo } from './key-hashing.ts';
import type { OperationHandler } from './handlers.ts';
import { loggableUrl } from './logging.ts';
import { createOperationRoute } from './operation-route.ts';
import { readRequestBody, type BodyOutcome, type BodyRules } from './request-body.ts';
import { sendBodyProblem } from './request-problems.ts';
import type { SchemaCompiler } from './schema-compiler.ts';
import type { ServerContext } from './server-context.ts';
import type { Operation } from './spec.ts';

// The API pipeline: every operation of the spec, served straight from node:http's request and
// response, in one pass per request:
//
//   route (find-my-way, the router fastify uses, with fastify's options) → request id and `Date`
//   → auth-hook.ts (credential → throttle → key → rate limit → account → scope) → the body
//   (request-body.ts) → operation-route.ts (re-check, validation, idempotency, handler) → one
//   write of the response
//
// A framework's per-request objects, hooks and reply machinery cost about as much CPU as
// authenticating a key (bench/README.md, "What the ping costs"); this pipeline has none of them.
// Everything around the API (/health, /docs, the spec, the test clock, the stats) and every
// answer to a request that names no operation (404, 405, a malformed URL) stays with fastify:
// a request the router here does not match goes there, so both see the same routes.

/** The router options fastify is given too: both must match the same requests. */
export const ROUTER_OPTIONS = { maxParamLength: 2048 } as const;

export interface ApiServer {
  /** Serves the request if it names an API operation; false (nothing done) when it does not. */
  serve(request: IncomingMessage, response: ServerResponse): boolean;
  /**
   * Serves a request another router already matched to `operation` (fastify's route for it, which
   * only `app.inject` reaches): the same pipeline, whichever door the request came in by.
   */
  serveRouted(
    operation: Operation,
    request: IncomingMessage,
    response: ServerResponse,
    params: Record<string, string>,
    query: Record<string, string | string[]>,
  ): void;
}

export interface ApiServerOptions {
  context: ServerContext;
  compiler: SchemaCompiler;
  handlers: Readonly<Record<string, OperationHandler>>;
  nextRequestId: () => string;
  /** Stamps every response with its request id and `Date` (the same stamp fastify's responses get). */
  stamp: Stamp;
  /** One debug line per request (level debug or trace). */
  logRequests: boolean;
}

type Serve = (request: IncomingMessage, response: ServerResponse, params: Record<string, string>, query: Record<string, string | string[]>) => void;

export function createApiServer(options: ApiServerOptions): ApiServer {
  const { context } = options;
  const router = FindMyWay(ROUTER_OPTIONS);
  const byOperation = new Map<Operation, Serve>();
  const memoOf = connectionKeyMemos();
  for (const operation of context.contract.operations) {
    // An operation no API key opens (the signed leaked-key report) is served apart (app.ts).
    if (operation.scopesByForm === null) continue;
    const handler = options.handlers[operation.operationId];
    if (!handler) throw new Error(`no handler for the spec's operation ${operation.operationId}`);
    const serve = servingOperation(operation, handler, options, memoOf);
    byOperation.set(operation, serve);
    router.on(operation.method as FindMyWay.HTTPMethod, routerPath(operation), noop, serve);
  }

  return {
    serve(request, response) {
      let match: FindMyWay.FindResult<FindMyWay.HTTPVersion.V1> | null;
      try {
        match = router.find(request.method as FindMyWay.HTTPMethod, request.url as string);
      } catch {
        return false;
      }
      if (match === null) return false;
      (match.store as Serve)(request, response, match.params as Record<string, string>, match.searchParams);
      return true;
    },
    serveRouted(operation, request, response, params, query) {
      (byOperation.get(operation) as Serve)(request, response, params, query);
    },
  };
}

/** `/v1/api-keys/{key_id}` as routers write it: `/v1/api-keys/:key_id`. */
export function routerPath(operation: Operation): string {
  return operation.servedPath.replace(/\{([^}]+)\}/g, ':$1');
}

function servingOperation(
  operation: Operation,
  handler: OperationHandler,
  options: ApiServerOptions,
  memoOf: (connection: object) => PresentedKeyMemo,
): Serve {
  const { context, stamp, nextRequestId } = options;
  const { problems } = context;
  const authenticate: AuthHook = createAuthHook(context, operation, stamp, memoOf);
  const handle = createOperationRoute(context, options.compiler, operation, handler);
  const bodyRules: BodyRules = {
    json: operation.requestBody !== null,
    required: operation.requestBody?.required === true,
    limit: context.contract.maxBodyBytes,
  };

  /** Anything the pipeline did not expect: a 500 problem, logged, never a stack trace. */
  const failed = (request: ApiRequest, reply: ApiReply, error: unknown) => {
    context.log.error({ err: error, requestId: request.id, method: request.method, url: loggableUrl(request.url) }, 'unexpected error');
    if (!reply.sent && !reply.raw.headersSent) problems.send(reply, 'internal_error', 'The server failed. Retry the request with the same Idempotency-Key.');
  };
  const respond = (request: ApiRequest, reply: ApiReply) => {
    try {
      const pending = handle(request, reply);
      if (pending !== undefined) pending.catch((error: unknown) => failed(request, reply, error));
    } catch (error) {
      failed(request, reply, error);
    }
  };

  return (raw, response, params, query) => {
    const request = new ApiRequest(raw, nextRequestId(), params, query);
    const reply = new ApiReply(response, request);
    if (options.logRequests) logWhenFinished(context, request, reply);
    try {
      if (!authenticate(request, reply)) return;
      readRequestBody(raw, bodyRules, (outcome) => {
        if (outcome.ok) {
          request.body = outcome.body;
          respond(request, reply);
        } else {
          refuseBody(context, reply, outcome);
        }
      });
    } catch (error) {
      failed(request, reply, error);
    }
  };
}

function refuseBody(context: ServerContext, reply: ApiReply, outcome: Extract<BodyOutcome, { ok: false }>) {
  if (outcome.closeConnection) reply.header('connection', 'close');
  sendBodyProblem(context, reply, outcome.failure);
}

function logWhenFinished(context: ServerContext, request: ApiRequest, reply: ApiReply) {
  const started = performance.now();
  reply.raw.once('finish', () => {
    context.log.debug(
      {
        requestId: request.id,
        method: request.method,
        url: loggableUrl(request.url),
        status: reply.statusCode,
        keyId: request.principal?.key.id,
        ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'request',
    );
  });
}

function noop() {}
