import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { unroutable } from '../../src/http-server.ts';

// unroutable() reads the raw header list (not `request.headers`), so it must see what Node's
// joined headers would show: any case of a name, and repeated Transfer-Encoding fields joined.

function request(rawHeaders: string[], minor = 1, url = '/v1/ping'): IncomingMessage {
  return { rawHeaders, httpVersionMajor: 1, httpVersionMinor: minor, url, method: 'GET' } as unknown as IncomingMessage;
}

describe('unroutable', () => {
  it('wants a Host on HTTP/1.1, in any case, and not on HTTP/1.0', () => {
    expect(unroutable(request(['Accept', '*/*']))?.pointer).toBe('Host');
    expect(unroutable(request(['hOsT', 'x']))).toBeNull();
    expect(unroutable(request(['Accept', '*/*'], 0))).toBeNull();
  });

  it('judges every Transfer-Encoding field together, as Node joins them', () => {
    expect(unroutable(request(['Host', 'x', 'Transfer-Encoding', 'gzip']))?.pointer).toBe('Transfer-Encoding');
    expect(unroutable(request(['Host', 'x', 'transfer-encoding', 'gzip, chunked']))).toBeNull();
    expect(unroutable(request(['Host', 'x', 'Transfer-Encoding', 'gzip', 'TRANSFER-ENCODING', 'chunked']))).toBeNull();
    expect(unroutable(request(['Host', 'x', 'Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'gzip']))?.pointer).toBe('Transfer-Encoding');
  });

  it('refuses a request target that is neither a path nor an absolute URL', () => {
    expect(unroutable(request(['Host', 'x'], 1, '*'))?.location).toBe('path');
    expect(unroutable(request(['Host', 'x'], 1, 'http://x/v1/ping'))).toBeNull();
  });
});
