import { connect, type Socket } from 'node:net';

// HTTP/1.1 over raw sockets, for requests no HTTP client will send: control characters and raw
// bytes in headers, unknown methods, repeated framing headers, garbage. Requests are bytes;
// responses are parsed here (status line, headers, Content-Length or chunked bodies), so a
// response the server botches is seen as it is. Connections are kept alive and requests may be
// pipelined; every wait is bounded, so a hang shows up as a failure instead of a stuck test.

export interface RawResponse {
  status: number;
  /** Lower-case name → value; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** The server said it would close the connection after this response. */
  closes: boolean;
}

/** What became of one request: its response, or why none came. */
export type RawOutcome = { response: RawResponse; failure?: undefined } | { response?: undefined; failure: string };

export interface RawRequest {
  bytes: Buffer;
  /** A HEAD request: its response has headers only, whatever Content-Length says. */
  head: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Takes one complete response off the front of `buffer`; `ended`: no more bytes will come. */
function takeResponse(buffer: Buffer, head: boolean, ended: boolean): { response: RawResponse; rest: Buffer } | undefined {
  let start = 0;
  for (;;) {
    const headEnd = buffer.indexOf(HEADER_END, start);
    if (headEnd < 0) return undefined;
    const lines = buffer.subarray(start, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? NaN);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const bodyStart = headEnd + 4;
    // An interim response (100 Continue) precedes the real one.
    if (status >= 100 && status < 200 && status !== 101) {
      start = bodyStart;
      continue;
    }
    const closes = /\bclose\b/i.test(headers.connection ?? '');
    const done = (body: Buffer, end: number) => ({
      response: { status, headers, body: body.toString('utf8'), closes },
      rest: buffer.subarray(end),
    });
    if (head || status === 204 || status === 304) return done(Buffer.alloc(0), bodyStart);
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = buffer.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('malformed chunk size in the response');
        if (size === 0) {
          const trailerEnd = buffer.indexOf(HEADER_END, lineEnd);
          if (trailerEnd >= 0) return done(Buffer.concat(chunks), trailerEnd + 4);
          if (buffer.length >= lineEnd + 4 && buffer.subarray(lineEnd, lineEnd + 4).equals(HEADER_END)) return done(Buffer.concat(chunks), lineEnd + 4);
          return undefined;
        }
        if (buffer.length < lineEnd + 2 + size + 2) return undefined;
        chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (buffer.length < bodyStart + length) return undefined;
      return done(buffer.subarray(bodyStart, bodyStart + length), bodyStart + length);
    }
    // No framing: the body runs to the end of the connection.
    return ended ? done(buffer.subarray(bodyStart), buffer.length) : undefined;
  }
}

/** One keep-alive connection; requests written to it are answered in order. */
export class RawConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private error?: Error;
  private readonly waiting: Array<{ head: boolean; settle: (outcome: RawOutcome) => void }> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    socket.on('end', () => {
      this.ended = true;
      this.drain();
    });
    socket.on('error', (error) => {
      this.error = error;
    });
    socket.on('close', () => {
      this.ended = true;
      this.drain();
      for (const waiter of this.waiting.splice(0)) {
        waiter.settle({ failure: `the connection closed without an answer${this.error ? ` (${this.error.message})` : ''}` });
      }
    });
  }

  static open(origin: string, localAddress?: string): Promise<RawConnection> {
    const url = new URL(origin);
    return new Promise((resolve, reject) => {
      const socket = connect({ port: Number(url.port), host: url.hostname, localAddress, noDelay: true });
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Still usable for another request. */
  get open(): boolean {
    return !this.ended && !this.socket.destroyed;
  }

  /** Writes the requests at once (pipelined) and resolves with one outcome per request, in order. */
  send(requests: RawRequest[], timeoutMs = 10_000): Promise<RawOutcome[]> {
    const outcomes = requests.map(
      (request) => new Promise<RawOutcome>((settle) => this.waiting.push({ head: request.head, settle })),
    );
    const timer = setTimeout(() => {
      for (const waiter of this.waiting.splice(0)) waiter.settle({ failure: `no answer within ${timeoutMs} ms` });
      this.socket.destroy();
    }, timeoutMs);
    // The server may answer and close before it has read everything (an oversized request):
    // a failed write is not the verdict, the answer (or its absence) is.
    this.socket.write(Buffer.concat(requests.map((r) => r.bytes)), () => undefined);
    return Promise.all(outcomes).finally(() => clearTimeout(timer));
  }

  /** Writes more bytes of a request already sent in part (its answer comes to that `send`). */
  write(bytes: Buffer): void {
    this.socket.write(bytes, () => undefined);
  }

  close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      let taken: ReturnType<typeof takeResponse>;
      try {
        taken = takeResponse(this.buffer, this.waiting[0].head, this.ended);
      } catch (error) {
        this.waiting.shift()!.settle({ failure: (error as Error).message });
        this.socket.destroy();
        return;
      }
      if (!taken) return;
      this.buffer = taken.rest;
      this.waiting.shift()!.settle({ response: taken.response });
    }
  }
}

/** A request written out byte by byte. `headers` are sent as given (repeats, odd bytes and all). */
export function rawRequest(
  method: string,
  target: string | Buffer,
  headers: Array<[string, string | Buffer]>,
  body?: string | Buffer,
  options: { contentLength?: boolean; host?: boolean } = {},
): Buffer {
  const parts: Buffer[] = [Buffer.from(`${method} `, 'latin1'), typeof target === 'string' ? Buffer.from(target, 'latin1') : target, Buffer.from(' HTTP/1.1\r\n')];
  const all: Array<[string, string | Buffer]> = [];
  if (options.host !== false) all.push(['Host', '127.0.0.1']);
  all.push(...headers);
  const bodyBytes = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (bodyBytes !== undefined && options.contentLength !== false) all.push(['Content-Length', String(bodyBytes.length)]);
  for (const [name, value] of all) {
    parts.push(Buffer.from(`${name}: `, 'latin1'), typeof value === 'string' ? Buffer.from(value, 'latin1') : value, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('\r\n'));
  if (bodyBytes !== undefined) parts.push(bodyBytes);
  return Buffer.concat(parts);
}

export interface PoolItem extends RawRequest {
  /** Malformed at the HTTP level: sent on a connection of its own, which the server will close. */
  alone?: boolean;
}

/**
 * Sends every item and returns its outcome (same order). Items go out in pipelined batches over
 * `connections` keep-alive connections; when the server closes a connection after an answer,
 * the unanswered rest of the batch is sent again on a fresh one. An item that gets no answer
 * when sent first on a fresh connection is recorded as a failure.
 */
export async function sendAll(
  origin: string,
  items: PoolItem[],
  options: { connections?: number; batch?: number; localAddress?: string; timeoutMs?: number } = {},
): Promise<RawOutcome[]> {
  const connections = options.connections ?? 16;
  const batchSize = options.batch ?? 8;
  const outcomes: RawOutcome[] = new Array(items.length);
  const queue = items.map((_, i) => i);
  let next = 0;

  async function worker(): Promise<void> {
    let connection: RawConnection | undefined;
    const pending: number[] = [];
    try {
      for (;;) {
        while (pending.length < batchSize && next < queue.length && !(pending.length > 0 && items[queue[next]].alone)) {
          const index = queue[next++];
          pending.push(index);
          if (items[index].alone) break;
        }
        if (pending.length === 0) return;
        const alone = items[pending[0]].alone === true;
        const fresh = !connection || !connection.open || alone;
        if (fresh) connection?.close();
        const current: RawConnection = fresh || !connection ? await RawConnection.open(origin, options.localAddress) : connection;
        connection = current;
        const results = await current.send(pending.map((i) => items[i]), options.timeoutMs);
        let answered = 0;
        for (let k = 0; k < results.length; k++) {
          const result = results[k];
          if (result.response) {
            outcomes[pending[k]] = result;
            answered++;
            continue;
          }
          // The first unanswered request of a batch on a fresh connection is a real failure; the
          // ones after it (and one on a reused connection the server may have just closed) are retried.
          if (k === 0 && fresh) {
            outcomes[pending[k]] = result;
            answered++;
          }
          break;
        }
        pending.splice(0, answered);
        if (alone || results.some((r) => r.response?.closes || r.failure)) {
          current.close();
          connection = undefined;
        }
      }
    } finally {
      connection?.close();
    }
  }

  await Promise.all(Array.from({ length: connections }, () => worker()));
  return outcomes;
}

/** Sends one request on a connection of its own (the server may close it) and returns its outcome. */
export async function sendAlone(origin: string, request: RawRequest, timeoutMs?: number): Promise<RawOutcome> {
  const [outcome] = await sendAll(origin, [{ ...request, alone: true }], { connections: 1, timeoutMs });
  return outcome;
}
