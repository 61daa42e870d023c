import { request } from 'node:http';
import { startExternalServer, startIpcServer, REPO_ROOT, type ExternalServer, type IpcServer } from './child.ts';
import { freePort } from '../../mock/src/testing.ts';
import { rateLimitScaleFor, SPEC_PATH } from './contract.ts';

// The servers the rows measure, each started in its own process.

/** No request of a benchmark may be refused by a rate limit or the failed-auth throttle. */
export const UNLIMITED_REQUESTS_PER_MINUTE = 100_000_000;
export const UNLIMITED_FAILED_AUTH = 1_000_000_000;

export interface ServerStats {
  stats: { rateLimitedKeys: number; throttledAddresses: number; idempotencyRecords: number; storeLookups: number };
  memory: NodeJS.MemoryUsage;
}

export interface ReferenceServerProcess extends IpcServer {
  baseUrl: string;
  keys: Record<string, string>;
  env: Record<string, string>;
  stats(): Promise<ServerStats>;
  /** Full garbage collection in the server, then its stats. */
  collectGarbage(): Promise<ServerStats>;
}

/**
 * `unlimited`: rate limits scaled and the failed-auth throttle raised so that no benchmark
 * request is refused by them. `defaults`: the limits `npm start` applies (for the conformance
 * suite, which tests them).
 */
export type Limits = 'unlimited' | 'defaults';

export async function startReferenceServer(limits: Limits = 'unlimited'): Promise<ReferenceServerProcess> {
  const args =
    limits === 'defaults'
      ? []
      : [
          '--rate-limit-scale',
          String(rateLimitScaleFor(UNLIMITED_REQUESTS_PER_MINUTE)),
          '--failed-auth-limit',
          String(UNLIMITED_FAILED_AUTH),
        ];
  const server = await startIpcServer('reference-server.ts', args);
  return {
    ...server,
    baseUrl: server.ready.baseUrl as string,
    keys: server.ready.keys as Record<string, string>,
    env: server.ready.env as Record<string, string>,
    stats: () => server.ask<ServerStats>({ type: 'stats' }),
    collectGarbage: () => server.ask<ServerStats>({ type: 'gc' }),
  };
}

export interface CapturedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** Headers node:http writes by itself; the bare server must not send them twice. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** One response exactly as a server sent it (header names in their case and order). */
export function capture(url: string, headers: Record<string, string>): Promise<CapturedResponse> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          if (!CONNECTION_HEADERS.has(response.rawHeaders[i].toLowerCase())) pairs.push([response.rawHeaders[i], response.rawHeaders[i + 1]]);
        }
        resolve({ status: response.statusCode as number, headers: pairs, body });
      });
    })
      .on('error', reject)
      .end();
  });
}

/** A bare node:http server answering every request with `canned`. */
export function startBareServer(canned: CapturedResponse): Promise<IpcServer> {
  return startIpcServer('bare-http-server.ts', [], canned);
}

/** `prism mock generated/openapi.json` on a free port, once it answers. */
export async function startPrism(): Promise<ExternalServer> {
  const port = await freePort();
  const prism = `${REPO_ROOT}node_modules/.bin/prism`;
  return startExternalServer(prism, ['mock', SPEC_PATH, '--port', String(port), '--host', '127.0.0.1'], port, '/');
}
