import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

// The Node HTTP server under fastify. A few requests never reach fastify in a useful state, and
// Node would answer (or drop) them by itself, never with a problem document; they are settled
// here, before routing:
//
// - an HTTP/1.1 request without `Host` (RFC 9112 §3.2: 400; Node's own 400 has no body);
// - a `Transfer-Encoding` whose last coding is not `chunked` (RFC 9112 §6.3: the body's length
//   cannot be known, 400 and close; Node would wait for the connection to end: a hang);
// - a request target that is neither a path nor an absolute URL (`GET *` was routed to `/`);
// - an `Expect` other than `100-continue`: Node answers a bare 417, a status the contract does
//   not have; RFC 9110 §10.1.1 lets a server ignore it, so it is served like any request;
// - `CONNECT`: Node hands over the socket and, without a listener, closes it unanswered; it is
//   routed like any other method (the 404 or 405 of its target).

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Why a request is refused before routing, as a validation issue of its headers. */
export interface RefusedRequest {
  location: 'header' | 'path';
  pointer: string;
  message: string;
}

export interface HttpServerTimeouts {
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
}

/** Why the request cannot be routed at all, or null when it can. */
export function unroutable(request: IncomingMessage): RefusedRequest | null {
  if (request.headers.host === undefined && request.httpVersionMajor === 1 && request.httpVersionMinor === 1) {
    return { location: 'header', pointer: 'Host', message: 'is missing; HTTP/1.1 requires it' };
  }
  const transferEncoding = request.headers['transfer-encoding'];
  if (transferEncoding !== undefined && !/(?:^|,)[ \t]*chunked[ \t]*$/i.test(transferEncoding)) {
    return { location: 'header', pointer: 'Transfer-Encoding', message: 'does not end with chunked, so the length of the body cannot be known' };
  }
  const target = request.url ?? '';
  const originOrAbsolute = target.charCodeAt(0) === 0x2f /* / */ || /^https?:\/\//i.test(target);
  if (!originOrAbsolute && request.method !== 'CONNECT' && !(request.method === 'OPTIONS' && target === '*')) {
    return { location: 'path', pointer: '', message: `has a request target that is not a path (${JSON.stringify(target.slice(0, 40))})` };
  }
  return null;
}

export function createHttpServer(
  handler: Handler,
  refuse: (response: ServerResponse, why: RefusedRequest) => void,
  timeouts: HttpServerTimeouts = {},
): http.Server {
  const serve: Handler = (request, response) => {
    const why = unroutable(request);
    if (why === null) handler(request, response);
    else refuse(response, why);
  };
  const server = http.createServer({ requireHostHeader: false }, serve);
  server.on('checkExpectation', serve);
  server.on('connect', (request: IncomingMessage, socket: Socket) => {
    const response = new http.ServerResponse(request);
    response.shouldKeepAlive = false;
    response.assignSocket(socket);
    response.once('finish', () => {
      response.detachSocket(socket);
      socket.end();
    });
    serve(request, response);
  });
  // What fastify sets on the server it creates itself.
  if (timeouts.keepAliveTimeout !== undefined) server.keepAliveTimeout = timeouts.keepAliveTimeout;
  if (timeouts.requestTimeout !== undefined) server.requestTimeout = timeouts.requestTimeout;
  server.setTimeout(timeouts.connectionTimeout ?? 0);
  return server;
}
