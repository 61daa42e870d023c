// Child process: the reference server as @herald/mock ships it (the compiled JavaScript of a
// fresh build, run by plain node, no tsx), started through the package's own export
// `startReferenceServer` with the options `herald-mock` uses (real clock, test clock on, log level
// info: nothing logged per request), for the rows that need more than the CLI offers: a store
// seeded with many keys, and memory read right after a full garbage collection.
//
//   node --expose-gc herald-server.mjs BUILD_ROOT OPTIONS_JSON
//
// OPTIONS_JSON: { rateLimitScale?, failedAuthLimit?, idempotencyLimits?, seed?: { keys, environments, deepShare, listedKeys } }
// The store is seeded directly through its own API (never over HTTP): `seed.keys` keys in all,
// the demo fixture's included, across `seed.environments` environments of 100 accounts; one of
// them, the "deep" environment, holds `deepShare` of the keys (for pagination deep into a large
// environment); the demo development environment (where the bench's key lives) holds the
// fixture's keys plus `listedKeys`, the same at every size. Each seeded key is made the way the
// server makes one: a generated key, its HMAC digest under the server's secret, its display prefix.
//
// Prints one JSON line when ready; then answers each line on stdin ("stats", "gc") with one JSON
// line on stdout: the server's table sizes and process.memoryUsage().

import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [root, optionsJson = '{}'] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
const load = (path) => import(pathToFileURL(`${root}/mock/src/${path}`).href);
const { startReferenceServer } = await load('index.js');
const { InMemoryStore } = await load('store.js');
const { createKeyHasher } = await load('key-hashing.js');
const { displayPrefix, generateKey } = await load('key-format.js');
const { newId } = await load('ids.js');
const { encodeCursor } = await load('pagination.js');

const serverSecret = randomBytes(32);
const store = new InMemoryStore();
const server = await startReferenceServer({
  rateLimitScale: options.rateLimitScale,
  failedAuthLimit: options.failedAuthLimit,
  logLevel: 'info',
  server: { store, serverSecret, idempotencyLimits: options.idempotencyLimits },
});
const seeded = options.seed ? seed(options.seed) : null;

function seed({ keys, environments, deepShare = 0, listedKeys = 0 }) {
  const started = performance.now();
  const hasher = createKeyHasher(serverSecret);
  const demo = server.seededKeys.find((key) => key.envVar === 'HERALD_API_KEY');
  const demoKey = store.getKey(demo.keyId);
  const now = Date.now();
  const insert = (environmentId) => {
    const secret = generateKey('test');
    const record = store.insertKey({
      id: newId('key_'),
      environmentId,
      name: 'Seeded key',
      scopes: demoKey.scopes,
      createdAt: now,
      expiresAt: null,
      secret: { digest: hasher.digest(secret), prefix: displayPrefix(secret), expiresAt: null },
    });
    return { secret, record };
  };
  for (let i = 0; i < listedKeys; i++) insert(demo.environmentId);

  // Accounts and environments like the demo key's own (plan, type, region from the fixture).
  const demoEnvironment = store.getEnvironment(demo.environmentId);
  const demoAccount = store.getAccount(demoEnvironment.accountId);
  const environmentIds = [];
  for (let i = 0; i < environments; i++) {
    const accountId = `account_bench_${i % 100}`;
    if (i < 100) store.addAccount({ ...demoAccount, id: accountId, name: `Bench account ${i}` });
    const id = newId('env_');
    store.addEnvironment({ ...demoEnvironment, id, accountId, name: `Bench environment ${i}`, applicationIdentifier: newId('app_') });
    environmentIds.push(id);
  }
  let remaining = Math.max(0, keys - server.seededKeys.length - listedKeys);
  let deep = null;
  if (deepShare > 0 && environments > 0) {
    const deepKeys = Math.floor(remaining * deepShare);
    let last = null;
    let key = null;
    for (let i = 0; i < deepKeys; i++) {
      const made = insert(environmentIds[0]);
      key ??= made.secret;
      if (i === deepKeys - 21) last = made.record;
    }
    remaining -= deepKeys;
    // A page of 20 at the end of the environment: the cursor after its 21st-to-last key.
    deep = { keys: deepKeys, key, endCursor: last === null ? null : encodeCursor(last.sequence) };
  }
  const spread = environments - (deep === null ? 0 : 1);
  if (remaining > 0 && spread < 1) throw new Error(`${remaining} keys to seed and no environment to put them in`);
  for (let i = 0; i < remaining; i++) insert(environmentIds[(deep === null ? 0 : 1) + (i % spread)]);
  return {
    seconds: (performance.now() - started) / 1000,
    deep,
    keys: server.seededKeys.length + listedKeys + (deep?.keys ?? 0) + remaining,
    environments: store.listEnvironments().length,
  };
}

function snapshot() {
  return { stats: server.app.herald.stats(), memory: process.memoryUsage() };
}

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line === 'gc') {
    // Two full collections: the first may only schedule finalizers that free more.
    globalThis.gc();
    globalThis.gc();
  }
  process.stdout.write(`${JSON.stringify(snapshot())}\n`);
});
commands.on('close', () => {
  void server.close().finally(() => process.exit(0));
});

process.stdout.write(
  `${JSON.stringify({ origin: server.origin, baseUrl: server.baseUrl, keys: server.keys, env: server.env, seeded })}\n`,
);
