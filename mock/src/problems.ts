import type { ProblemKind } from './spec.ts';

// Problem details (RFC 9457) as the spec's `*Problem` schemas define them: `type`, `title` and
// `status` come from the schema's consts for the code, never from this file.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Every code the reference server answers with; checked against the spec at start-up. */
export const SERVER_PROBLEM_CODES = [
  'missing_api_key',
  'invalid_api_key',
  'expired_api_key',
  'revoked_api_key',
  'ambiguous_credentials',
  'validation_failed',
  'insufficient_permissions',
  'account_inactive',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  'idempotency_key_reused',
  'rate_limit_exceeded',
  'quota_exceeded',
  'authentication_throttled',
  'internal_error',
  'invalid_report_signature',
] as const;

export type ProblemCode = (typeof SERVER_PROBLEM_CODES)[number];

export interface ValidationIssue {
  location: 'body' | 'query' | 'path' | 'header';
  pointer: string;
  message: string;
}

/**
 * Where a problem is sent: the API pipeline's reply (api-exchange.ts) or, for the routes around
 * the API and the 404/405 answers, fastify's.
 */
export interface ProblemReply {
  code(status: number): unknown;
  header(name: string, value: string): unknown;
  send(body: string): unknown;
  readonly request: { readonly id: string };
}

export class ProblemCatalogue {
  private readonly kinds: ReadonlyMap<string, ProblemKind>;
  private readonly heads = new Map<ProblemCode, Map<string, string>>();

  constructor(kinds: ReadonlyMap<string, ProblemKind>) {
    const missing = SERVER_PROBLEM_CODES.filter((code) => !kinds.has(code));
    if (missing.length > 0) throw new Error(`the spec defines no problem schema for: ${missing.join(', ')}`);
    this.kinds = kinds;
  }

  status(code: ProblemCode): number {
    return (this.kinds.get(code) as ProblemKind).status;
  }

  /** The serialized problem document. `extra` adds the code's own members (`errors`, `quota`, …). */
  serialize(code: ProblemCode, detail: string, requestId: string, extra?: Record<string, unknown>): string {
    if (extra === undefined) return this.head(code, detail) + JSON.stringify(requestId) + '}';
    const kind = this.kinds.get(code) as ProblemKind;
    return JSON.stringify({
      type: kind.type,
      title: kind.title,
      status: kind.status,
      detail,
      code,
      request_id: requestId,
      ...extra,
    });
  }

  /**
   * A problem without members of its own, up to its `request_id` value, serialized once per code
   * and detail: a client whose key is refused tends to repeat the request, and refusing must not
   * cost more than serving (bench row 2). The same bytes JSON.stringify writes for the whole.
   */
  private head(code: ProblemCode, detail: string): string {
    let heads = this.heads.get(code);
    if (heads === undefined) this.heads.set(code, (heads = new Map()));
    let head = heads.get(detail);
    if (head === undefined) {
      const kind = this.kinds.get(code) as ProblemKind;
      const members = JSON.stringify({ type: kind.type, title: kind.title, status: kind.status, detail, code });
      head = `${members.slice(0, -1)},"request_id":`;
      // Details that name a number or an operation vary; only the first few of a code are kept.
      if (heads.size < 64) heads.set(detail, head);
    }
    return head;
  }

  send(reply: ProblemReply, code: ProblemCode, detail: string, extra?: Record<string, unknown>): void {
    reply.code(this.status(code));
    reply.header('content-type', PROBLEM_CONTENT_TYPE);
    reply.send(this.serialize(code, detail, reply.request.id, extra));
  }
}
