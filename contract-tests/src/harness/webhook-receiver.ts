import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The suite's webhook receiver: an HTTP server the target delivers events to, at an address it
// can reach (`--callback-host`, default 127.0.0.1, like Schemathesis' callback host). Each
// endpoint the suite registers gets a path of its own, so deliveries are told apart by where
// they arrive; each path answers the status a scenario chose (2xx, or a failure to cause retries).

export interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Our clock when it arrived, in ms. */
  readonly receivedAt: number;
}

const MAX_BODY = 256 * 1024;

export class WebhookReceiver {
  private server: Server | undefined;
  private origin = '';
  private readonly inboxes = new Map<string, { answer: number; deliveries: Delivery[]; waiters: Array<() => void> }>();

  constructor(private readonly callbackHost: string, private readonly port: number) {}

  /** Starts listening (once); on loopback when the callback host is a loopback name, otherwise everywhere. */
  async start(): Promise<void> {
    if (this.server) return;
    const bind = /^(127\.|localhost$|::1$|\[::1\]$)/.test(this.callbackHost) ? '127.0.0.1' : '0.0.0.0';
    const server = createServer((request, response) => {
      const inbox = this.inboxes.get((request.url ?? '').split('?')[0]);
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      request.on('end', () => {
        if (!inbox || request.method !== 'POST') {
          response.writeHead(404).end();
          return;
        }
        inbox.deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
        for (const wake of inbox.waiters.splice(0)) wake();
        response.writeHead(inbox.answer).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, bind, () => resolve());
    });
    server.unref();
    this.server = server;
    const host = this.callbackHost.includes(':') && !this.callbackHost.startsWith('[') ? `[${this.callbackHost}]` : this.callbackHost;
    this.origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  /** A new inbox: the URL to register, answering `answer` to every delivery until told otherwise. */
  inbox(answer = 204): { url: string; path: string } {
    const path = `/hooks/${randomBytes(9).toString('base64url')}`;
    this.inboxes.set(path, { answer, deliveries: [], waiters: [] });
    return { url: this.origin + path, path };
  }

  answer(path: string, status: number): void {
    const inbox = this.inboxes.get(path);
    if (inbox) inbox.answer = status;
  }

  deliveries(path: string): Delivery[] {
    return this.inboxes.get(path)?.deliveries ?? [];
  }

  /** Waits until `path` has received at least `count` deliveries, or `timeoutMs` passed. */
  waitFor(path: string, count: number, timeoutMs: number): Promise<Delivery[]> {
    return this.waitUntil(path, (list) => list.length >= count, timeoutMs);
  }

  /** Waits until what `path` received satisfies `done`, or `timeoutMs` passed; returns everything received. */
  async waitUntil(path: string, done: (deliveries: Delivery[]) => boolean, timeoutMs: number): Promise<Delivery[]> {
    const inbox = this.inboxes.get(path);
    if (!inbox) return [];
    const deadline = Date.now() + timeoutMs;
    while (!done(inbox.deliveries) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        inbox.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return inbox.deliveries;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The key id an event is about, or undefined. */
export function safeKeyId(delivery: Delivery): string | undefined {
  try {
    return JSON.parse(delivery.body)?.data?.key?.id;
  } catch {
    return undefined;
  }
}
