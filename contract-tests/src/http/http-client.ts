import http from 'node:http';
import https from 'node:https';

/** A request as the suite means to send it. Header pairs may repeat a name (to send it twice). */
export interface OutgoingRequest {
  method: string;
  /** Path below the base URL, with its query string (`/api-keys?limit=1`), or an absolute URL. */
  path: string;
  headers?: Array<[string, string]>;
  body?: string | Buffer;
}

export interface RecordedResponse {
  status: number;
  /** Lower-case header name → value (repeated headers joined with ", "). */
  headers: Record<string, string>;
  body: string;
}

export interface Exchange {
  seq: number;
  request: { method: string; url: string; headers: Array<[string, string]>; body?: string; bodyBytes?: Buffer };
  response?: RecordedResponse;
  /** Why no complete response arrived (the deadline passed, the body was too large, a reset). */
  failure?: string;
  /** The exchange was cut short by the suite itself (interrupted, time limit): not the target's doing. */
  cancelled?: string;
  startedAt: number;
  durationMs: number;
  /** When the response's headers arrived (ms after the start), if they did. */
  headersAfterMs?: number;
}

export interface HttpClientOptions {
  /** Deadline of a whole exchange, headers and body. */
  timeoutMs: number;
  /** Most response body bytes kept; a larger body fails the exchange (memory stays bounded). */
  maxBodyBytes?: number;
  /** Aborts every request in flight and refuses new ones (interrupted run, time limit). */
  signal?: AbortSignal;
}

/** The most response body the suite keeps: far above any answer of the contract (a page of keys). */
export const MAX_RESPONSE_BODY_BYTES = 1024 * 1024;

type ExchangeListener = (exchange: Exchange) => void;

/**
 * A plain node:http client: the suite must send what a broken client would (two credential
 * headers, odd bytes in a key, a wrong content type), which fetch would normalise away. Every
 * exchange is bounded — a deadline for the whole of it, headers and body, and a cap on the body
 * kept — so that no target, however it misbehaves, can hang the suite or fill its memory.
 */
export class HttpClient {
  private seq = 0;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly listeners: ExchangeListener[] = [];
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  private readonly signal?: AbortSignal;

  constructor(readonly baseUrl: string, options: HttpClientOptions | number) {
    const resolved = typeof options === 'number' ? { timeoutMs: options } : options;
    this.timeoutMs = resolved.timeoutMs;
    this.maxBodyBytes = resolved.maxBodyBytes ?? MAX_RESPONSE_BODY_BYTES;
    this.signal = resolved.signal;
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
    };
  }

  /** Called with every finished exchange (the HAR recorder, the progress counter). */
  onExchange(listener: ExchangeListener): void {
    this.listeners.push(listener);
  }

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path}`;
  }

  /** Sends one request; `signal` cancels this one (a scenario's own time limit). Never rejects. */
  send(request: OutgoingRequest, signal?: AbortSignal): Promise<Exchange> {
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
    const headerPairs = [...(request.headers ?? [])];
    let url: URL;
    const exchange: Exchange = {
      seq: ++this.seq,
      request: { method: request.method, url: this.url(request.path), headers: headerPairs, body: body?.toString('utf8'), bodyBytes: body },
      startedAt: Date.now(),
      durationMs: 0,
    };
    const signals = [this.signal, signal].filter((s): s is AbortSignal => s !== undefined);
    return new Promise((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let req: http.ClientRequest | undefined;
      const cleanups: Array<() => void> = [];
      const finish = (patch: Partial<Exchange>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const cleanup of cleanups) cleanup();
        Object.assign(exchange, patch, { durationMs: Date.now() - exchange.startedAt });
        for (const listener of this.listeners) listener(exchange);
        resolve(exchange);
      };
      const aborted = signals.find((s) => s.aborted);
      if (aborted) {
        finish({ failure: `not sent: ${reasonOf(aborted)}`, cancelled: reasonOf(aborted) });
        return;
      }
      try {
        url = new URL(exchange.request.url);
        exchange.request.url = url.toString();
      } catch (error) {
        finish({ failure: `the request could not be sent: ${(error as Error).message}` });
        return;
      }
      const isHttps = url.protocol === 'https:';
      const grouped = new Map<string, { name: string; values: string[] }>();
      for (const [name, value] of headerPairs) {
        const entry = grouped.get(name.toLowerCase()) ?? { name, values: [] };
        entry.values.push(value);
        grouped.set(name.toLowerCase(), entry);
      }
      try {
        req = (isHttps ? https : http).request(url, { method: request.method, agent: isHttps ? this.agents.https : this.agents.http });
        for (const { name, values } of grouped.values()) req.setHeader(name, values.length === 1 ? values[0] : values);
        if (body && !grouped.has('content-length')) req.setHeader('Content-Length', body.length);
      } catch (error) {
        req?.destroy();
        finish({ failure: `the request could not be sent: ${(error as Error).message}` });
        return;
      }
      const current = req;
      for (const s of signals) {
        const onAbort = () => {
          current.destroy();
          finish({ failure: `cancelled: ${reasonOf(s)}`, cancelled: reasonOf(s) });
        };
        s.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => s.removeEventListener('abort', onAbort));
      }
      // One deadline for the whole exchange: a body that trickles in byte by byte never resets it.
      timer = setTimeout(() => {
        current.destroy();
        const got = exchange.headersAfterMs === undefined ? 'no response' : 'the response began but its body was not complete';
        finish({ failure: `${got} within ${this.timeoutMs} ms (the deadline of a whole exchange, --timeout)` });
      }, this.timeoutMs);
      current.on('error', (error) => finish({ failure: describeError(error) }));
      current.on('response', (res) => {
        exchange.headersAfterMs = Date.now() - exchange.startedAt;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBodyBytes) {
            current.destroy();
            finish({ failure: `the response body passed ${this.maxBodyBytes} bytes, more than the suite keeps (status ${res.statusCode})` });
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => finish({ failure: describeError(error) }));
        res.on('aborted', () => finish({ failure: 'the connection closed before the response was complete' }));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i].toLowerCase();
            const value = res.rawHeaders[i + 1];
            headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
          }
          finish({ response: { status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') } });
        });
      });
      current.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function reasonOf(signal: AbortSignal): string {
  const reason = signal.reason as unknown;
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'cancelled';
}

/** Node's network errors in words a person running the suite understands. */
export function describeError(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `nothing is listening there (connection refused: ${error.message.replace(/^connect ECONNREFUSED /, '')})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name does not resolve (${error.message})`;
    case 'ECONNRESET':
      return 'the connection was reset before a complete response arrived';
    case 'HPE_HEADER_OVERFLOW':
      return 'the response headers are larger than Node accepts (16 KiB)';
    default:
      if (error.code?.startsWith('HPE_')) return `the answer is not HTTP (${error.code}: ${error.message})`;
      if (/EPROTO|wrong version number|SSL/i.test(`${error.code} ${error.message}`)) return `the TLS handshake failed (${error.message})`;
      return error.message;
  }
}
