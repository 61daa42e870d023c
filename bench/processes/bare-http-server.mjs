// Child process: the limit of Node on this machine. A plain node:http server that answers every
// request with the bytes it is given (the reference server's own ping response, captured by the
// bench: status, every header in its order, body), doing no other work, in one of a few ways of
// handing those bytes to node:http. The bench measures the ways side by side and takes the
// fastest as the baseline of the run (bench/README.md, "The baseline").
//
//   node bare-http-server.mjs WAY CANNED_JSON
//
// WAY:
//   array-string   writeHead(status, [name, value, …]) and end(body as a string): node:http joins
//                  head and body into one chunk, one write
//   array-buffer   writeHead(status, [name, value, …]) and end(body as a Buffer): head and body
//                  leave as two chunks of one writev
//   object-string  writeHead(status, { name: value, … }) and end(body as a string)
//
// CANNED_JSON: { status, headers: [[name, value], …] (without the ones node:http adds itself), body }
// Prints {"origin": …} when it listens; closing its stdin stops it.

import { createServer } from 'node:http';

const [way, cannedJson] = process.argv.slice(2);
const canned = JSON.parse(cannedJson);
const body = canned.body;
const pairs = [...canned.headers, ['content-length', String(Buffer.byteLength(body))]];
const flat = pairs.flat();
const object = Object.fromEntries(pairs);
const bytes = Buffer.from(body);

const ways = {
  'array-string': (_request, response) => {
    response.writeHead(canned.status, flat);
    response.end(body);
  },
  'array-buffer': (_request, response) => {
    response.writeHead(canned.status, flat);
    response.end(bytes);
  },
  'object-string': (_request, response) => {
    response.writeHead(canned.status, object);
    response.end(body);
  },
};
if (!(way in ways)) throw new Error(`unknown way ${way}: ${Object.keys(ways).join(', ')}`);

// The keep-alive timeout the reference server's fastify sets, so that `Keep-Alive: timeout=72`
// is among the bytes here too.
const server = createServer({ keepAliveTimeout: 72_000 }, ways[way]);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ origin: `http://127.0.0.1:${server.address().port}` })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
