// Small misbehaving servers for the client's tests: each listens on 127.0.0.1, records every
// request exactly as it arrived (so a test can assert what reached it, key included), and
// answers as its script says: a response, a dropped connection, or no answer at all.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the client closed the connection before an answer was sent (an abort, a timeout). */
  closedByClient: boolean;
}

export type Reply =
  /** `cut`: send the headers and the first half of the body, then hang, or drop the connection. */
  | { status: number; headers?: Record<string, string>; body?: unknown; cut?: 'hang' | 'drop' }
  /** Reads the request, then destroys the connection without a byte of answer. */
  | 'drop'
  /** Never answers. */
  | 'hang';

export type Script = (request: Seen, index: number) => Reply | Promise<Reply>;

export interface ScriptedServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `http://127.0.0.1:PORT/v1` */
  baseUrl: string;
  seen: Seen[];
  /** Resolves once the server has seen `count` requests. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

/** A problem body of the spec's shape, for scripts. */
export function problem(status: number, code: string, extra: Record<string, unknown> = {}) {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req_scripted000000000000000001' },
    body: { type: `https://docs.herald.example/problems/${code.replace(/_/g, '-')}`, title: code, status, detail: `scripted ${code}`, code, request_id: 'req_scripted000000000000000001', ...extra },
  };
}

export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const seen: Seen[] = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const open = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const entry: Seen = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), closedByClient: false };
      response.on('close', () => {
        if (!response.writableFinished) entry.closedByClient = true;
        open.delete(response);
      });
      open.add(response);
      seen.push(entry);
      for (const w of waiting.filter((w) => seen.length >= w.count)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
      const reply = await script(entry, seen.length - 1);
      if (reply === 'hang') return;
      if (reply === 'drop') {
        request.socket.destroy();
        return;
      }
      const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      const headers = { ...(typeof reply.body === 'object' ? { 'content-type': 'application/json' } : {}), ...reply.headers };
      if (!reply.cut) {
        response.writeHead(reply.status, headers).end(body);
        return;
      }
      response.writeHead(reply.status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
      response.write(body.slice(0, body.length >> 1), () => {
        if (reply.cut === 'drop') request.socket.destroy();
      });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/v1`,
    seen,
    received: (count) => (seen.length >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve }))),
    close: () =>
      new Promise<void>((done) => {
        for (const response of open) response.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
