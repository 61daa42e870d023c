// What a failed call gives you. An answer of the API that is a problem document (RFC 9457, with
// one of the spec's closed list of codes) becomes a `HeraldApiError`, returned as `error` in the
// openapi-fetch style (`{ data, error, response }`) and thrown by `paginate`. It still carries
// every member of the problem body, so the generated types of `error` stay true, plus what the
// headers say: the request id, `Retry-After`, the rate-limit state. Failures that are not an
// answer of the API are thrown: the network, the timeout, a redirect the client will not follow,
// an error response that is no Herald problem. No error carries the request (it holds the key),
// and the key is scrubbed from anything a server sent back.
import { problemCodes, responseHeaders, validationIssues } from '../generated/contract-facts.ts';
import type { components } from '../generated/types/openapi.js';
import { rateLimitOf, retryAfterSeconds, type RateLimitState } from './rate-limit.ts';

/** The spec's closed list of problem codes: a `switch` over it is checked for exhaustiveness. */
export type ErrorCode = (typeof problemCodes.codes)[number];
export type ValidationIssue = components['schemas']['ValidationIssue'];

const CODES: ReadonlySet<string> = new Set(problemCodes.codes);
/** Members of a problem body that would clobber what an Error needs, or this class's own. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype', 'name', 'message', 'stack', 'cause', 'requestId', 'retryAfter', 'issues', 'rateLimit', 'toJSON']);

export class HeraldError extends Error {
  override name = 'HeraldError';
}

export class HeraldApiError extends HeraldError {
  override name = 'HeraldApiError';
  /** The HTTP status of the response. */
  declare readonly status: number;
  declare readonly code: ErrorCode;
  declare readonly type: string;
  declare readonly title: string;
  declare readonly detail: string;
  /** The problem's `request_id`, else the response's request-id header: quote it to support. */
  readonly requestId: string | undefined;
  /** Seconds the server asked to wait (`Retry-After`), when it did. */
  readonly retryAfter: number | undefined;
  /** What was wrong with the request, for `validation_failed`; empty for any other code. */
  readonly issues: readonly ValidationIssue[];
  /** The rate-limit state this response reported, when it reported one. */
  readonly rateLimit: RateLimitState | undefined;

  constructor(problem: Record<string, unknown>, response: Response, now: number) {
    const code = problem[problemCodes.member] as ErrorCode;
    const requestId = typeof problem.request_id === 'string' ? problem.request_id : response.headers.get(responseHeaders.requestId) ?? undefined;
    super(`${response.status} ${code}: ${String(problem.detail ?? problem.title ?? '')}${requestId ? ` (request ${requestId})` : ''}`);
    for (const [member, value] of Object.entries(problem)) {
      if (!RESERVED.has(member)) Object.defineProperty(this, member, { value, enumerable: true });
    }
    Object.defineProperty(this, 'status', { value: response.status, enumerable: true });
    Object.defineProperty(this, problemCodes.member, { value: code, enumerable: true });
    this.requestId = requestId;
    this.retryAfter = retryAfterSeconds(response.headers, now);
    const issues = code === validationIssues.code ? problem[validationIssues.member] : undefined;
    this.issues = Array.isArray(issues) ? (issues as ValidationIssue[]) : [];
    this.rateLimit = rateLimitOf(response.headers, now);
  }

  /** The problem document as the server sent it (the key scrubbed). */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).filter(([member]) => !RESERVED.has(member) && member !== 'name'));
  }
}

/** The request failed without an answer: the connection was refused, dropped, or reset. */
export class HeraldConnectionError extends HeraldError {
  override name = 'HeraldConnectionError';
  constructor(message: string, readonly attempts: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No complete answer came within `timeoutMs`. */
export class HeraldTimeoutError extends HeraldConnectionError {
  override name = 'HeraldTimeoutError';
}

/**
 * The server answered with a redirect the client does not follow: to another origin (the key
 * never leaves its origin), one that would change the method, or one too many.
 */
export class HeraldRedirectError extends HeraldError {
  override name = 'HeraldRedirectError';
  constructor(message: string, readonly status: number, readonly location: string | undefined) {
    super(message);
  }
}

/** An error response that is not a Herald problem document (a proxy's page, an empty body): is `baseUrl` right? */
export class HeraldResponseError extends HeraldError {
  override name = 'HeraldResponseError';
  readonly requestId: string | undefined;
  constructor(readonly status: number, readonly contentType: string | undefined, requestId: string | null) {
    super(`The server answered ${status}${contentType ? ` (${contentType})` : ''} with no Herald problem document; is baseUrl the Herald API's?`);
    this.requestId = requestId ?? undefined;
  }
}

export function isProblem(body: unknown): body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const code = (body as Record<string, unknown>)[problemCodes.member];
  return typeof code === 'string' && CODES.has(code);
}

/** The error an error response stands for: a HeraldApiError for a problem, else a HeraldResponseError. */
export function errorOfResponse(body: unknown, response: Response, now: number, secret?: string): HeraldApiError | HeraldResponseError {
  if (!isProblem(body)) {
    return new HeraldResponseError(response.status, response.headers.get('content-type') ?? undefined, response.headers.get(responseHeaders.requestId));
  }
  return new HeraldApiError(secret ? scrub(body, secret) : body, response, now);
}

/** The value with every occurrence of `secret` in its strings replaced (a server must never echo a key, but if it does…). */
function scrub<T>(value: T, secret: string): T {
  if (!JSON.stringify(value).includes(secret)) return value;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return node.split(secret).join('[redacted]');
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(value) as T;
}
