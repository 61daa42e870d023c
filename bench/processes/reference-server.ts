import { startReferenceServer } from '../../mock/src/testing.ts';

// Child process: the reference server as `npm start` builds it (real clock, test clock on, log
// level info, which logs nothing per request), listening on 127.0.0.1 port 0, plus an IPC channel
// the benchmark uses to read the store's lookup counter and the bounded tables' sizes, and to
// force a garbage collection before reading RSS (the parent starts it with --expose-gc).
//
// argv: --rate-limit-scale F --failed-auth-limit N (as `npm start` takes them)

type Request = { type: 'stats' } | { type: 'gc' };

function flag(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : Number(process.argv[at + 1]);
}

const server = await startReferenceServer({
  rateLimitScale: flag('rate-limit-scale'),
  failedAuthLimit: flag('failed-auth-limit'),
  logLevel: 'info',
});

function snapshot() {
  return { type: 'stats' as const, stats: server.app.herald.stats(), memory: process.memoryUsage() };
}

process.on('message', (message: Request) => {
  if (message.type === 'gc') {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error('started without --expose-gc');
    // Two full collections: the first may only schedule finalizers that free more.
    gc();
    gc();
  }
  process.send?.(snapshot());
});

process.on('disconnect', () => {
  void server.close().finally(() => process.exit(0));
});

process.send?.({ type: 'ready', origin: server.origin, baseUrl: server.baseUrl, keys: server.keys, env: server.env });
