import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Contract, credentialHeader } from '../src/spec/contract.ts';

/**
 * A reverse proxy that breaks the contract on purpose: it sits in front of a healthy reference
 * server and applies one fault — a small named transform of requests or responses — so the
 * proof can show the suite notices, and names the rule that was broken.
 */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as received (`/v1/api-keys?limit=2`). */
  url: string;
  /** Lower-case names; a repeated header keeps every value. */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface FaultContext {
  /** The demo keys of the server behind the proxy, by role (HERALD_API_KEY, …). */
  keys: Record<string, string>;
  /** State a fault keeps between requests (secrets it saw, ids it revoked…). */
  memory: Map<string, unknown>;
  /** Sends a request to the healthy server, as the proxy would. */
  forward(request: ProxiedRequest): Promise<ProxiedResponse>;
}

export interface Fault {
  name: string;
  /** What the broken implementation does wrong, in words. */
  breaks: string;
  /** The rules the suite must report broken; at least one of them has to fail. */
  caughtBy: string[];
  /** Arguments the proof runs the suite with (the input faults: only the input rules). */
  args?: string[];
  onRequest?(request: ProxiedRequest, ctx: FaultContext): ProxiedResponse | void | Promise<ProxiedResponse | void>;
  onResponse?(response: ProxiedResponse, request: ProxiedRequest, ctx: FaultContext): ProxiedResponse | void | Promise<ProxiedResponse | void>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

export async function startFaultProxy(upstreamOrigin: string, fault: Fault, keys: Record<string, string>): Promise<FaultProxy> {
  const upstream = new URL(upstreamOrigin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const forward = (request: ProxiedRequest): Promise<ProxiedResponse> => new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    if (request.body.length > 0) headers['content-length'] = String(request.body.length);
    const req = http.request({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(request.body);
  });
  const ctx: FaultContext = { keys, memory: new Map(), forward };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const headers: Record<string, string | string[]> = {};
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          const name = req.rawHeaders[i].toLowerCase();
          const value = req.rawHeaders[i + 1];
          const existing = headers[name];
          headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
        }
        const request: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers, body: Buffer.concat(chunks) };
        let response = (await fault.onRequest?.(request, ctx)) ?? undefined;
        if (!response) {
          response = await forward(request);
          response = (await fault.onResponse?.(response, request, ctx)) ?? response;
        }
        res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
        res.end(response.body);
      })().catch((error: Error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: ${error.message}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// Small tools the faults are written with. Credentials are presented as the spec's security
// schemes say.

const { credentialForms } = Contract.load();

export function header(message: { headers: Record<string, string | string[]> }, name: string): string | undefined {
  const value = message.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function json(message: { body: Buffer }): Record<string, any> | undefined {
  try {
    return JSON.parse(message.body.toString('utf8')) as Record<string, any>;
  } catch {
    return undefined;
  }
}

export function withJson<T extends ProxiedResponse | ProxiedRequest>(message: T, value: unknown): T {
  return { ...message, body: Buffer.from(JSON.stringify(value)) };
}

export function withHeader<T extends ProxiedResponse | ProxiedRequest>(message: T, name: string, value: string): T {
  return { ...message, headers: { ...message.headers, [name.toLowerCase()]: value } };
}

export function withoutHeader<T extends ProxiedResponse | ProxiedRequest>(message: T, name: string): T {
  const headers = { ...message.headers };
  delete headers[name.toLowerCase()];
  return { ...message, headers };
}

/** The key a request presents, in whichever form (the first credential header that carries one). */
export function presentedKey(request: ProxiedRequest): string | undefined {
  for (const form of credentialForms) {
    const value = header(request, form.header);
    if (value === undefined || (form.authScheme && value === '')) continue;
    return form.authScheme ? value.split(' ').slice(1).join(' ') || undefined : value;
  }
  return undefined;
}

/** The same request presenting another key, in the spec's first credential form. */
export function withKey(request: ProxiedRequest, key: string): ProxiedRequest {
  let bare = request;
  for (const form of credentialForms) bare = withoutHeader(bare, form.header);
  const [name, value] = credentialHeader(credentialForms[0], key);
  return withHeader(bare, name, value);
}

export function problemCode(response: ProxiedResponse): string | undefined {
  return response.status >= 400 ? (json(response)?.code as string | undefined) : undefined;
}
