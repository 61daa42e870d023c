import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { CredentialForm } from './credentials.ts';
import type { RateLimitDecision } from './rate-limiter.ts';
import type { PlanLimits } from './spec.ts';
import type { AccountRecord, EnvironmentRecord, KeyRecord, SecretSlot } from './store.ts';

// One request to an API operation and the response being built for it, as the API pipeline
// (api-server.ts) sees them: node:http's own request and response underneath, and nothing of a
// framework's per-request machinery on top. The shape follows the few calls the pipeline makes
// (`code`, `header`, `removeHeader`, `send`), so the modules of the pipeline read as before.
//
// The response leaves in one `writeHead` with a flat header array and one `end` with a string
// body: node:http then writes status line, headers and body as one chunk.

/**
 * Stamps a response with its request id (`X-Request-Id`) and a `Date` from the server clock (`at`,
 * or now): every response the server sends, through the API pipeline or through fastify.
 */
export type Stamp = (request: { readonly id: string }, reply: { header(name: string, value: string): unknown }, at?: number) => void;

/** Who is calling, once authentication passed. */
export interface Principal {
  readonly key: KeyRecord;
  /** The secret that authenticated: the key's current one or its previous one in grace. */
  readonly slot: SecretSlot;
  /** The key as presented. Only the idempotency store uses it, to seal stored secrets. */
  readonly presentedKey: string;
  readonly form: CredentialForm;
  readonly environment: EnvironmentRecord;
  readonly account: AccountRecord;
  readonly plan: PlanLimits;
  readonly rateLimit: RateLimitDecision;
  /** The clock's reading when the request was authenticated (its `Date` and rate-limit headers). */
  readonly authenticatedAt: number;
}

export class ApiRequest {
  /** Set by the authentication step once the key passed. */
  principal: Principal | null = null;
  /** The parsed JSON body (undefined when the operation takes none, or none was sent). */
  body: unknown = undefined;

  constructor(
    readonly raw: IncomingMessage,
    /** The request id (`X-Request-Id`, `request_id` of problems). */
    readonly id: string,
    /** Path parameters, percent-decoded by the router. */
    readonly params: Record<string, string>,
    /** Query parameters; a repeated one is an array. */
    readonly query: Record<string, string | string[]>,
  ) {}

  get method(): string {
    return this.raw.method as string;
  }

  /** The request target as sent (path and query). */
  get url(): string {
    return this.raw.url as string;
  }

  get headers(): IncomingMessage['headers'] {
    return this.raw.headers;
  }

  get socket(): Socket {
    return this.raw.socket;
  }
}

export class ApiReply {
  statusCode = 200;
  /** Set once the response was handed to node:http. */
  sent = false;
  /** Lower-case header names and their values, alternating, in the order they were set. */
  private readonly headers: string[] = [];

  constructor(
    readonly raw: ServerResponse,
    readonly request: ApiRequest,
  ) {}

  code(status: number): this {
    this.statusCode = status;
    return this;
  }

  /** Sets a header (`name` in lower case), replacing an earlier value of the same name. */
  header(name: string, value: string): this {
    const headers = this.headers;
    for (let i = 0; i < headers.length; i += 2) {
      if (headers[i] === name) {
        headers[i + 1] = value;
        return this;
      }
    }
    headers.push(name, value);
    return this;
  }

  removeHeader(name: string): this {
    const at = this.headers.indexOf(name);
    if (at !== -1 && at % 2 === 0) this.headers.splice(at, 2);
    return this;
  }

  getHeader(name: string): string | undefined {
    const at = this.headers.indexOf(name);
    return at !== -1 && at % 2 === 0 ? this.headers[at + 1] : undefined;
  }

  /** Writes the response: status, the headers set, `Content-Length` and the body (none for 204). */
  send(body?: string): void {
    if (this.sent) return;
    this.sent = true;
    const headers = this.headers;
    if (body === undefined || this.statusCode === 204) {
      this.raw.writeHead(this.statusCode, headers);
      this.raw.end();
      return;
    }
    headers.push('content-length', contentLength(body));
    this.raw.writeHead(this.statusCode, headers);
    this.raw.end(body);
  }
}

// The body sent last and its length: a client repeating a request gets the same cached body string
// (a ping's, per secret), whose length is then not measured again.
let lastBody = '';
let lastLength = '0';

/** `Content-Length` of a UTF-8 body. */
function contentLength(body: string): string {
  if (body !== lastBody) {
    lastLength = String(Buffer.byteLength(body));
    lastBody = body;
  }
  return lastLength;
}
