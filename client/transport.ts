// The fetch both clients send through: openapi-fetch's (`createHeraldClient`) and the hey-api
// SDK's (`createHeraldSdkClient`, and the SDK's default `client`). It owns what must hold for
// every request whoever built it: redirects (the key never leaves its origin), retries that
// cannot send twice (retry.ts), the per-attempt timeout and the caller's AbortSignal, the
// User-Agent, and the rate-limit state of the last response.
//
// Redirects are followed by hand (`redirect: 'manual'`): fetch drops `Authorization` on a
// cross-origin redirect but not `X-API-Key`, and a proxy or a wrong base URL can redirect
// anywhere. The rule: a redirect to another origin (scheme, host or port) is never followed, for
// any header form, and the call fails with HeraldRedirectError. A redirect within the origin is
// followed, with the key (the server that gets it already had it), only when it re-sends the
// same request: 307/308 for any method, 301/302/303 for GET and HEAD alone (fetch would turn a
// redirected POST into a GET, and a create into a list). At most five in a row.
//
// Speed: openapi-fetch builds a `PreparedRequest` for `createHeraldClient` (its `Request`
// option), not a Request: the transport makes the one Request fetch needs, per attempt, with
// that attempt's signal, so a call costs one AbortSignal more than a bare fetch and nothing else
// of note. The client reads each response body itself, so its final response comes back as it
// came, its attempt's timer running until the client has read the body (`Call.finish`). Any
// other caller (the SDK, a fetch used directly) gets the response read to the end within the
// timeout.
import { idempotencyKey } from '../generated/contract-facts.ts';
import { systemClock, type Clock } from './clock.ts';
import { DEFAULTS } from './defaults.ts';
import { HeraldConnectionError, HeraldRedirectError, HeraldTimeoutError } from './errors.ts';
import { hasRateLimitHeaders, rateLimitOf, type RateLimitState } from './rate-limit.ts';
import { backoffMs, mayRepeat, neverConnected, retryWaitForResponse, type RetryPolicy } from './retry.ts';
import { userAgent } from './user-agent.ts';

export interface TransportOptions {
  /** A fetch to send each attempt with, instead of the global one (tests, proxies). */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries after the first attempt (network failure, timeout, 429, 5xx; see the README's rule). Default 2; 0 turns retries off. */
  maxRetries?: number;
  /** Milliseconds one attempt may take, until its whole response has arrived. Default 30 000; `Infinity` for none. */
  timeoutMs?: number;
  /** The longest wait before a retry the client accepts from `Retry-After` or a rate-limit reset; a longer one is returned to you at once. Default 60 000. */
  maxRetryWaitMs?: number;
  /** Time, for tests: the clock, the waits between attempts and the timeout timer. */
  clock?: Clock;
  /** The random source of the backoff jitter, for tests. */
  random?: () => number;
}


/**
 * One call of `createHeraldClient`, from before its request exists until its body is read: it
 * calls `finish` once it has read the body (or given up).
 */
export interface Call {
  /** Stops the running attempt's timer: the body has been read. */
  finish(): void;
  /** Why the running attempt was aborted (the caller's reason, or the timeout), if it was. */
  abortReason(): unknown;
}

/**
 * What openapi-fetch builds for `createHeraldClient` in place of a Request (its `Request`
 * option): the URL, method, headers and serialized body, and the call it belongs to.
 */
export class PreparedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: BodyInit | null;
  readonly call: CallState | undefined;
  readonly signal: AbortSignal | undefined;
  constructor(url: string, init: RequestInit & { [CALL]?: CallState }) {
    this.url = url;
    this.method = (init.method ?? 'GET').toUpperCase();
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = init.body ?? null;
    this.call = init[CALL];
    this.signal = init.signal ?? undefined;
  }
}

export interface Transport {
  /** A fetch: takes what the global fetch takes, and a PreparedRequest. */
  fetch(input: Request | PreparedRequest | string | URL, init?: RequestInit): Promise<Response>;
  /** Starts a call whose final response body the caller reads itself; pass it in the init as `[CALL]`. */
  startCall(caller: AbortSignal | undefined): Call;
  /** The rate-limit state of the last response that reported one; undefined before. */
  readonly rateLimit: RateLimitState | undefined;
  readonly clock: Clock;
}

/** The init member through which `createHeraldClient` hands its Call to the transport. */
export const CALL = 'heraldCall';

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Statuses whose response has no body (a Response built with one throws). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const noop = () => {};

class CallState implements Call {
  cancelTimer: () => void = noop;
  controller: AbortController | undefined;
  constructor(readonly caller: AbortSignal | undefined) {}
  finish(): void {
    this.cancelTimer();
    this.cancelTimer = noop;
  }
  abortReason(): unknown {
    return this.caller?.aborted ? this.caller.reason : this.controller?.signal.reason;
  }
}

/** A request as the transport sends it, again on each attempt. */
interface Outgoing {
  url: string;
  method: string;
  headers: Headers;
  /** Sent as is on every attempt: a string or bytes, never a stream. */
  body: string | ArrayBuffer | null;
}

export function createTransport(options: TransportOptions = {}): Transport {
  const injected = options.fetch;
  const clock = options.clock ?? systemClock;
  const timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs);
  const policy: RetryPolicy = {
    maxRetries: count('maxRetries', options.maxRetries ?? DEFAULTS.maxRetries),
    maxRetryWaitMs: positive('maxRetryWaitMs', options.maxRetryWaitMs ?? DEFAULTS.maxRetryWaitMs),
    random: options.random ?? Math.random,
  };
  const agent = userAgent();
  let reported: { headers: Headers; at: number; state?: RateLimitState } | undefined;

  /**
   * Sends one attempt; its timer runs (in `call`) until the response is read or the attempt
   * fails. Without a timeout the attempt gets the caller's signal as it is, or none: fetch
   * following an AbortSignal is a good part of what a call costs (bench row 7).
   */
  async function attempt(outgoing: Outgoing, call: CallState): Promise<Response> {
    const { caller } = call;
    let signal = caller;
    if (Number.isFinite(timeoutMs)) {
      const controller = new AbortController();
      call.controller = controller;
      signal = controller.signal;
      const abortWithCaller = caller && (() => controller.abort(caller.reason));
      if (abortWithCaller) caller.addEventListener('abort', abortWithCaller);
      const cancelTimer = clock.setTimer(() => controller.abort(new HeraldTimeoutError(`No complete answer within ${timeoutMs} ms`, 1)), timeoutMs);
      call.cancelTimer = abortWithCaller
        ? () => {
            cancelTimer();
            caller.removeEventListener('abort', abortWithCaller);
          }
        : cancelTimer;
    }
    const init: RequestInit = { method: outgoing.method, headers: outgoing.headers, body: outgoing.body, signal, redirect: 'manual' };
    try {
      if (!injected) return await globalThis.fetch(outgoing.url, init);
      const sending = injected(new Request(outgoing.url, init));
      if (!signal) return await sending;
      // An injected fetch may ignore the signal: it still loses the race against it.
      sending.catch(noop);
      const aborted = new Promise<never>((_, reject) => {
        signal.throwIfAborted();
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      aborted.catch(noop);
      return await Promise.race([sending, aborted]);
    } catch (error) {
      call.finish();
      throw error;
    }
  }

  /** Reads a response to the end while its attempt's timer runs; the copy that comes back is complete. */
  async function readWhole(response: Response, call: CallState): Promise<Response> {
    try {
      const body = await response.arrayBuffer();
      return new Response(NULL_BODY.has(response.status) ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch {
      throw call.abortReason() ?? new HeraldConnectionError('The connection broke while the answer was read', 1);
    } finally {
      call.finish();
    }
  }

  async function send(outgoing: Outgoing, call: CallState, streamFinal: boolean): Promise<Response> {
    const { caller } = call;
    caller?.throwIfAborted();
    const { method, headers } = outgoing;
    const repeatable = mayRepeat(method, headers, idempotencyKey.header);
    let retries = 0;
    let redirects = 0;
    for (;;) {
      let response: Response;
      try {
        response = await attempt(outgoing, call);
      } catch (error) {
        caller?.throwIfAborted();
        const timedOut = error instanceof HeraldTimeoutError;
        if (retries < policy.maxRetries && (repeatable || (!timedOut && neverConnected(error)))) {
          retries++;
          await clock.sleep(backoffMs(retries, policy.random), caller);
          continue;
        }
        throw failure(error, method, outgoing.url, retries + 1, timeoutMs);
      }
      if (hasRateLimitHeaders(response.headers)) reported = { headers: response.headers, at: clock.now() };
      if (REDIRECTS.has(response.status) || response.type === 'opaqueredirect') {
        drop(response, call);
        outgoing = { ...outgoing, url: redirectTarget(response, outgoing.url, method, ++redirects) };
        continue;
      }
      const wait = retries < policy.maxRetries ? retryWaitForResponse(response, retries + 1, repeatable, policy, clock.now()) : undefined;
      if (wait === undefined) return streamFinal ? response : readWhole(response, call);
      drop(response, call);
      retries++;
      await clock.sleep(wait, caller);
    }
  }

  /** Our User-Agent after the caller's own, if any (once: a retry sends the same headers). */
  function addAgent(headers: Headers): void {
    const theirs = headers.get('user-agent');
    if (theirs !== agent) headers.set('user-agent', theirs ? `${theirs} ${agent}` : agent);
  }

  /** A Request built by someone else, as the transport sends it: its headers copied (ours added), its body read once. */
  async function outgoingOf(request: Request): Promise<Outgoing> {
    const headers = new Headers(request.headers);
    addAgent(headers);
    const body = request.body === null ? null : await request.arrayBuffer();
    return { url: request.url, method: request.method, headers, body };
  }

  return {
    async fetch(input, init) {
      if (input instanceof PreparedRequest && init === undefined) {
        const { body, headers } = input;
        addAgent(headers);
        if (body === null || typeof body === 'string') {
          return send({ url: input.url, method: input.method, headers, body }, input.call ?? new CallState(input.signal), input.call !== undefined);
        }
        input = new Request(input.url, { method: input.method, headers, body, signal: input.signal });
      }
      const request = input instanceof Request && init === undefined ? input : new Request(input as Request | string | URL, init);
      return send(await outgoingOf(request), new CallState(request.signal), false);
    },
    startCall: (caller) => new CallState(caller),
    clock,
    get rateLimit() {
      if (reported && !('state' in reported)) reported.state = rateLimitOf(reported.headers, reported.at);
      return reported?.state;
    },
  };
}

/** Lets go of a response that will not be returned (its body unread): its attempt is over. */
function drop(response: Response, call: Call): void {
  call.finish();
  response.body?.cancel().catch(noop);
}

/** The error a failed attempt ends the call with. */
function failure(error: unknown, method: string, url: string, attempts: number, timeoutMs: number): Error {
  const tries = `${attempts} attempt${attempts > 1 ? 's' : ''}`;
  if (error instanceof HeraldTimeoutError) return new HeraldTimeoutError(`${method} ${url}: no answer within ${timeoutMs} ms (${tries})`, attempts);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = error instanceof Error ? error.message : String(error);
  const detail = cause?.code ? `${message} (${cause.code})` : cause?.message ? `${message}: ${cause.message}` : message;
  return new HeraldConnectionError(`${method} ${url}: ${detail} (${tries})`, attempts, { cause: error });
}

/** Where a redirect may be followed to, or the HeraldRedirectError that says why it may not. */
function redirectTarget(response: Response, from: string, method: string, redirects: number): string {
  if (response.type === 'opaqueredirect') {
    throw new HeraldRedirectError(`${method} ${from}: refused a redirect whose target this runtime does not show`, response.status, undefined);
  }
  const location = response.headers.get('location');
  if (location === null) throw new HeraldRedirectError(`${method} ${from}: a ${response.status} redirect without a Location`, response.status, undefined);
  const target = new URL(location, from);
  const origin = new URL(from).origin;
  if (target.origin !== origin) {
    throw new HeraldRedirectError(
      `${method} ${from}: refused a ${response.status} redirect to ${target.origin}: the API key is only ever sent to ${origin} (check baseUrl)`,
      response.status,
      target.href,
    );
  }
  if (response.status !== 307 && response.status !== 308 && method !== 'GET' && method !== 'HEAD') {
    throw new HeraldRedirectError(`${method} ${from}: refused a ${response.status} redirect, which would re-send it as a GET`, response.status, target.href);
  }
  if (redirects > MAX_REDIRECTS) throw new HeraldRedirectError(`${method} ${from}: more than ${MAX_REDIRECTS} redirects`, response.status, target.href);
  return target.href;
}

function positive(name: string, value: number): number {
  if (!(typeof value === 'number' && value > 0)) throw new TypeError(`${name} must be a positive number of milliseconds`);
  return value;
}

function count(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 0)) throw new TypeError(`${name} must be a whole number, 0 or more`);
  return value;
}
