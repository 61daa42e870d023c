// When a failed attempt is sent again, and after how long. The rule, in full (client/README.md
// says the same for users):
//
// - A request may be sent again after an answer was lost only if sending it twice cannot do
//   twice what it asks: a safe method (GET, HEAD, OPTIONS), or a request that carries an
//   Idempotency-Key (the server answers a repeat with the stored first answer). Such requests
//   are retried on a network failure, a timeout, a 429 and any 5xx.
// - Any other request (here: revoking a key, whose repeat answers 404 once the first one
//   worked) is retried only when it provably was not carried out: the connection was never
//   made (refused, no such host, connect timeout), or the server refused it with 429, which the
//   spec says is counted toward nothing and done nothing for.
// - Other 4xx are never retried: sending the same request again gets the same answer.
// - The wait is exponential (0.5 s, 1 s, 2 s, … up to 8 s) with jitter (each wait a random
//   point in its upper half), and never shorter than what the server asked for: `Retry-After`,
//   or for a 429 without it the rate-limit window's reset. When the server asks for longer than
//   `maxRetryWaitMs` (a spent monthly quota asks for days) the client does not wait: the error
//   goes back to the caller at once, with `retryAfter` set.

import { rateLimitOf, retryAfterSeconds } from './rate-limit.ts';

/** RFC 9110's safe methods: sending one twice changes nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** Error codes (Node's, undici's) of a connection that was never made: nothing reached the server. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

export interface RetryPolicy {
  maxRetries: number;
  maxRetryWaitMs: number;
  random: () => number;
}

/** Whether the request can be sent again although an earlier copy may have been carried out. */
export function mayRepeat(method: string, headers: Headers, idempotencyHeader: string): boolean {
  return SAFE_METHODS.has(method) || headers.has(idempotencyHeader);
}

/** The n-th retry's backoff (n ≥ 1), jittered: a random point in the upper half of 0.5 s × 2ⁿ⁻¹, at most 8 s. */
export function backoffMs(retry: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (retry - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** How long to wait before retrying this response, or undefined when it is not to be retried. */
export function retryWaitForResponse(response: Response, retry: number, repeatable: boolean, policy: RetryPolicy, now: number): number | undefined {
  const { status } = response;
  const refused = status === 429;
  if (!refused && (status < 500 || !repeatable)) return undefined;
  const serverWait = serverWaitMs(response.headers, refused, now);
  if (serverWait !== undefined && serverWait > policy.maxRetryWaitMs) return undefined;
  return Math.max(backoffMs(retry, policy.random), serverWait ?? 0);
}

/** What the server asked for: `Retry-After`, else (for a 429) the time to the rate-limit window's reset. */
function serverWaitMs(headers: Headers, refused: boolean, now: number): number | undefined {
  const retryAfter = retryAfterSeconds(headers, now);
  if (retryAfter !== undefined) return retryAfter * 1000;
  if (!refused) return undefined;
  const state = rateLimitOf(headers, now);
  return state ? Math.max(0, state.resetAt.getTime() - now) : undefined;
}

/** Whether a network failure proves the request never reached the server. */
export function neverConnected(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_CONNECTED.has(code)) return true;
  }
  return false;
}
