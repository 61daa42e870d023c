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
  request: { method: string; url: string; headers: Array<[string, string]>; body?: string };
  response?: RecordedResponse;
  /** Why no complete response arrived (timeout, connection reset). */
  failure?: string;
  startedAt: number;
  durationMs: number;
}

/**
 * A plain node:http client: the suite must send what a broken client would (two credential
 * headers, odd bytes in a key, a wrong content type), which fetch would normalise away.
 */
export class HttpClient {
  private seq = 0;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(readonly baseUrl: string, private readonly timeoutMs: number) {
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
    };
  }

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path}`;
  }

  send(request: OutgoingRequest): Promise<Exchange> {
    const url = new URL(this.url(request.path));
    const isHttps = url.protocol === 'https:';
    const headerPairs = [...(request.headers ?? [])];
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
    const exchange: Exchange = {
      seq: ++this.seq,
      request: { method: request.method, url: url.toString(), headers: headerPairs, body: body?.toString('utf8') },
      startedAt: Date.now(),
      durationMs: 0,
    };
    return new Promise((resolve) => {
      const finish = (patch: Partial<Exchange>) => {
        Object.assign(exchange, patch, { durationMs: Date.now() - exchange.startedAt });
        resolve(exchange);
      };
      const grouped = new Map<string, { name: string; values: string[] }>();
      for (const [name, value] of headerPairs) {
        const entry = grouped.get(name.toLowerCase()) ?? { name, values: [] };
        entry.values.push(value);
        grouped.set(name.toLowerCase(), entry);
      }
      let req: http.ClientRequest;
      try {
        req = (isHttps ? https : http).request(url, { method: request.method, agent: isHttps ? this.agents.https : this.agents.http });
        for (const { name, values } of grouped.values()) req.setHeader(name, values.length === 1 ? values[0] : values);
        if (body && !grouped.has('content-length')) req.setHeader('Content-Length', body.length);
      } catch (error) {
        finish({ failure: `the request could not be sent: ${(error as Error).message}` });
        return;
      }
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no response within ${this.timeoutMs} ms`)));
      req.on('error', (error) => finish({ failure: error.message }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => finish({ failure: error.message }));
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
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
