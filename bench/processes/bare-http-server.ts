import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Child process: the physical limit of Node on this machine. A bare node:http server that
// answers every request with the status, headers and body it receives over IPC (the reference
// server's own ping response, captured by the parent), doing no other work.

interface CannedResponse {
  status: number;
  /** [name, value] pairs as the reference server sent them, minus those node:http adds itself. */
  headers: Array<[string, string]>;
  body: string;
}

process.once('message', (canned: CannedResponse) => {
  const body = Buffer.from(canned.body);
  const headers: Array<[string, string]> = [...canned.headers, ['content-length', String(body.length)]];
  const server = createServer((_request, response) => {
    response.writeHead(canned.status, headers.flat());
    response.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'ready', origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  process.on('disconnect', () => server.close(() => process.exit(0)));
});
