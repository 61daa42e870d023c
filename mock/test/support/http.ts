import { request as httpRequest, type ClientRequest } from 'node:http';
import { expect } from 'vitest';
import { createResponseValidator } from '../../src/response-validator.ts';
import type { ReferenceServer } from '../../src/testing.ts';
import { REQUEST_ID } from './spec-values.ts';

// HTTP calls to a reference server for the integration tests. Every response is checked against
// the bundled spec by our own validator (status documented, content type, headers, body schema)
// before the test sees it, so no test can pass on a response that breaks the contract.
// node:http rather than fetch: tests need repeated headers, raw bodies and a chosen local address.

export type CredentialForm = 'apikey' | 'bearer' | 'x-api-key';

export interface CallOptions {
  key?: string;
  form?: CredentialForm;
  headers?: Record<string, string | string[]>;
  json?: unknown;
  body?: string | Buffer;
  contentType?: string;
  idempotencyKey?: string;
  /** Send from this local address (127.0.0.x) to test per-address behaviour. */
  localAddress?: string;
  /** Skip the contract check (only for answers outside the contract, e.g. /health). */
  unchecked?: boolean;
}

export interface CallResult {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  header(name: string): string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

const validator = createResponseValidator();

/** Every secret a create or regenerate response showed, to prove none leaks elsewhere. */
export const secretsSeen = new Set<string>();

export function credentialHeaders(key: string, form: CredentialForm = 'apikey'): Record<string, string> {
  if (form === 'x-api-key') return { 'x-api-key': key };
  return { authorization: `${form === 'bearer' ? 'Bearer' : 'ApiKey'} ${key}` };
}

export function rawCall(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body?: string | Buffer,
  localAddress?: string,
): Promise<CallResult> {
  // Node sends a DELETE body without any framing unless told its length.
  if (body !== undefined && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) {
    headers = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  }
  const { request, result } = openCall(origin, method, path, headers, localAddress);
  if (body !== undefined) request.write(body);
  request.end();
  return result;
}

/**
 * A request whose body the caller writes (and ends) itself, e.g. in parts with something
 * happening in between; `result` settles with the answer.
 */
export function openCall(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  localAddress?: string,
): { request: ClientRequest; result: Promise<CallResult> } {
  const url = new URL(origin);
  let request!: ClientRequest;
  const result = new Promise<CallResult>((resolve, reject) => {
    request = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers, localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const lower = res.headers;
          resolve({
            status: res.statusCode ?? 0,
            text,
            json,
            headers: lower,
            header: (name) => {
              const value = lower[name.toLowerCase()];
              return Array.isArray(value) ? value.join(', ') : value;
            },
          });
        });
        res.on('error', reject);
      },
    );
    request.on('error', reject);
  });
  return { request, result };
}

export function client(server: Pick<ReferenceServer, 'origin'>) {
  return async function call(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string | string[]> = {};
    if (options.key !== undefined) Object.assign(headers, credentialHeaders(options.key, options.form));
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    Object.assign(headers, options.headers);
    // API paths may be given without the base path; the site's own routes are left alone.
    const url = /^\/(v\d|_herald|health|docs|openapi)/.test(path) || !path.startsWith('/') ? path : `/v1${path}`;
    const result = await rawCall(server.origin, method, url, headers, body, options.localAddress);
    if (!options.unchecked) expectConforms(method, url, result);
    const secret = result.json?.data?.secret;
    if (typeof secret === 'string') secretsSeen.add(secret);
    return result;
  };
}

export function expectConforms(method: string, url: string, result: CallResult): void {
  const violations = validator.violations({
    method,
    url,
    status: result.status,
    header: (name) => result.header(name),
    body: result.text,
  });
  expect(violations, `${method} ${url} → ${result.status} ${result.text.slice(0, 300)}`).toEqual([]);
  expect(result.status, 'the reference server never answers 5xx').toBeLessThan(500);
  expect(result.header('x-request-id')).toMatch(REQUEST_ID);
}

export { validator };
