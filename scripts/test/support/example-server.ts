// A stand-in API for running the generated samples: it listens on 127.0.0.1 (a free port),
// records every request exactly as it arrived, and answers each operation of the spec with the
// first example of its success response. It checks nothing itself; tests assert on what it saw.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isObject,
  listOperations,
  mediaTypeExamples,
  resolve,
  successStatus,
  type JsonObject,
  type Operation,
} from '../../generate/openapi-document.ts';

export interface RecordedRequest {
  method: string;
  /** Path and query, relative to the API base URL (so without `/v1`). */
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw header pairs, so a repeated header shows up twice. */
  rawHeaders: string[];
  body: string;
}

export interface ExampleServer {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface ExampleAnswer {
  status: number;
  body: unknown;
}

/** What the server answers to an operation: its first 2xx status and that response's first example. */
export function exampleAnswer(document: JsonObject, operation: Operation): ExampleAnswer {
  const status = successStatus(operation);
  const response = resolve(document, (operation.object.responses as JsonObject)[status]);
  const media = isObject(response.content) ? Object.values(response.content)[0] : undefined;
  const example = media ? mediaTypeExamples(document, resolve(document, media))[0] : undefined;
  return { status: Number(status), body: example?.value };
}

function matches(operation: Operation, method: string, path: string): boolean {
  const pattern = new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  return operation.method.toUpperCase() === method && pattern.test(path);
}

export async function startExampleServer(document: JsonObject, basePath: string): Promise<ExampleServer> {
  const operations = listOperations(document);
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = (request.url ?? '').replace(basePath, '');
      requests.push({
        method: request.method ?? '',
        url,
        headers: request.headers,
        rawHeaders: request.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const operation = operations.find((candidate) => matches(candidate, request.method ?? '', url.split('?')[0]));
      if (!operation) {
        response.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"code":"not_found"}');
        return;
      }
      const answer = exampleAnswer(document, operation);
      if (answer.body === undefined) response.writeHead(answer.status).end();
      else response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    requests,
    close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
  };
}
