import type { ApiReply, ApiRequest, Principal } from './api-exchange.ts';
import { secretFailure } from './authenticator.ts';
import type { HandlerResult, OperationHandler } from './handlers.ts';
import { requestFingerprint, type StoredResponse } from './idempotency.ts';
import { JSON_CONTENT_TYPE, PROBLEM_CONTENT_TYPE } from './problems.ts';
import { removeRateLimitHeaders } from './rate-limit-headers.ts';
import { compileRequestValidator, validationDetail, type ValidRequest } from './request-validation.ts';
import type { SchemaCompiler } from './schema-compiler.ts';
import type { ServerContext } from './server-context.ts';
import { responseHeaderName, type Operation } from './spec.ts';

// The handler of one operation, the part of a request after its body is parsed:
//
//   re-check the key (a revoke may have finished while the body arrived) → validate the request
//   against the spec → idempotency (replay, refuse a reused key, or wait for a running twin)
//   → the operation's handler → the response (and the idempotency record)

const NOTHING_TO_VALIDATE: ValidRequest = Object.freeze({ params: {}, query: {}, headers: {}, body: undefined });

export function createOperationRoute(
  context: ServerContext,
  compiler: SchemaCompiler,
  operation: Operation,
  handler: OperationHandler,
) {
  const validate = compileRequestValidator(context.contract, compiler, operation);
  // An operation without parameters or body (ping, getEnvironment, getUsage) has nothing to check.
  const validates = operation.parameters.length > 0 || operation.requestBody !== null;
  const idempotencyHeader = operation.idempotencyHeader;
  const replayedHeader = idempotencyHeader === null ? '' : responseHeaderName(context.contract, 'IdempotentReplayed');
  const { problems, clock } = context;

  /** False (and the 401 sent) when the key stopped working after the auth hook admitted it. */
  function stillAuthenticated(principal: Principal, reply: ApiReply, now: number): boolean {
    const failure = secretFailure(principal.key, principal.slot, now);
    if (failure === null) return true;
    removeRateLimitHeaders(reply);
    reply.header('www-authenticate', context.contract.challenges.invalidToken);
    problems.send(reply, failure, 'The API key stopped working while this request was being received.');
    return false;
  }

  function serialize(result: HandlerResult, requestId: string): StoredResponse {
    if ('problem' in result) {
      return {
        status: problems.status(result.problem),
        headers: result.headers ?? {},
        body: problems.serialize(result.problem, result.detail, requestId, result.extra),
        contentType: PROBLEM_CONTENT_TYPE,
      };
    }
    if ('serialized' in result) return { status: result.status, headers: {}, body: result.serialized, contentType: JSON_CONTENT_TYPE };
    if ('json' in result) {
      return { status: result.status, headers: result.headers ?? {}, body: JSON.stringify(result.json), contentType: JSON_CONTENT_TYPE };
    }
    return { status: result.status, headers: {}, body: '', contentType: '' };
  }

  function send(reply: ApiReply, response: StoredResponse, replayed: boolean): void {
    reply.code(response.status);
    for (const name in response.headers) reply.header(name, response.headers[name]);
    if (replayed) reply.header(replayedHeader, 'true');
    if (response.status === 204) {
      reply.send();
      return;
    }
    reply.header('content-type', response.contentType).send(response.body);
  }

  /**
   * Which answers an idempotent request keeps: executed ones (2xx and the handler's own 4xx),
   * except a validation failure (nothing ran) and a quota refusal, whose Retry-After promises
   * that the same request may succeed later.
   */
  function kept(result: HandlerResult): boolean {
    return !('problem' in result) || result.remember;
  }

  async function runIdempotent(
    request: ApiRequest,
    reply: ApiReply,
    principal: Principal,
    idempotencyKey: string,
    run: (now: number) => HandlerResult,
  ): Promise<void> {
    const path = request.url.split('?', 1)[0];
    const fingerprint = requestFingerprint(request.method, path, request.body);
    for (;;) {
      const now = clock.now();
      if (!stillAuthenticated(principal, reply, now)) return;
      const admission = context.idempotency.admit(principal.key.id, idempotencyKey, fingerprint, principal.presentedKey, now);
      switch (admission.kind) {
        case 'replay':
          send(reply, admission.response, true);
          return;
        case 'mismatch':
          problems.send(
            reply,
            'idempotency_key_reused',
            admission.reason === 'different-request'
              ? 'This Idempotency-Key was already used by this API key, within 24 hours, for a request with a different method, path or body. Use a new key for a new request.'
              : 'This Idempotency-Key was already used by this API key with a different secret; the stored answer shows a secret and can be replayed only to the secret that made it.',
          );
          return;
        case 'wait':
          await admission.until;
          continue;
        case 'execute': {
          let result: HandlerResult;
          try {
            result = run(now);
          } catch (error) {
            admission.abandon();
            throw error;
          }
          const response = serialize(result, request.id);
          if (kept(result)) admission.complete(response, 'containsSecret' in result && result.containsSecret === true);
          else admission.abandon();
          send(reply, response, false);
          return;
        }
      }
    }
  }

  return function handleOperation(request: ApiRequest, reply: ApiReply): Promise<void> | void {
    const principal = request.principal as Principal;
    const now = clock.now();
    if (!stillAuthenticated(principal, reply, now)) return;

    let valid = NOTHING_TO_VALIDATE;
    if (validates) {
      const validation = validate({ params: request.params, query: request.query, headers: request.headers, body: request.body });
      if (!validation.ok) {
        problems.send(reply, 'validation_failed', validationDetail(validation.issues, context.contract.validationIssueLimits), { errors: validation.issues });
        return;
      }
      valid = validation.value;
    }
    const run = (at: number) => handler({ principal, request: valid, now: at, context });

    const idempotencyKey = idempotencyHeader === null ? undefined : (valid.headers[idempotencyHeader] as string | undefined);
    if (idempotencyKey !== undefined) return runIdempotent(request, reply, principal, idempotencyKey, run);
    send(reply, serialize(run(now), request.id), false);
  };
}
