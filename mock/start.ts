import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildServer } from './src/app.ts';
import { OffsetClock } from './src/clock.ts';
import { LOG_LEVELS, type LogLevel } from './src/logging.ts';
import { STATS_PATH, TEST_CLOCK_PATH } from './src/site-routes.ts';
import { envVariables, writeEnvFile } from './src/testing.ts';

// `npm start`: the Herald reference server on http://localhost:4010, seeded with the demo
// fixture. Flags are described in mock/README.md and by --help.

const USAGE = `Usage: npm start -- [options]

  --port N                 port to listen on (default 4010; 0 picks a free one)
  --host HOST              address to bind (default localhost: loopback only, IPv4 and IPv6)
  --fixture FILE           seed data (default mock/fixtures/demo.json)
  --env-out FILE           write HERALD_BASE_URL, the demo keys, HERALD_TEST_CLOCK_URL and HERALD_STATS_URL as NAME=value lines
  --rate-limit-scale F     multiply every plan's per-minute limit by F (default 1)
  --failed-auth-limit N    failed authentications per address and minute before it is throttled (default 500)
  --no-test-clock          do not serve ${TEST_CLOCK_PATH}
  --no-stats               do not serve ${STATS_PATH} (read-only counters for tests)
  --log-level LEVEL        ${LOG_LEVELS.join(', ')} (default info; debug logs every request)
  --help                   show this
`;

function fail(message: string): never {
  process.stderr.write(`herald: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '4010' },
        host: { type: 'string', default: 'localhost' },
        fixture: { type: 'string' },
        'env-out': { type: 'string' },
        'rate-limit-scale': { type: 'string', default: '1' },
        'failed-auth-limit': { type: 'string', default: '500' },
        'no-test-clock': { type: 'boolean', default: false },
        'no-stats': { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
}

const flags = parseFlags();
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const port = Number(flags.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not ${flags.port}`);
const rateLimitScale = Number(flags['rate-limit-scale']);
if (!(Number.isFinite(rateLimitScale) && rateLimitScale > 0)) fail('--rate-limit-scale must be a positive number');
const failedAuthLimit = Number(flags['failed-auth-limit']);
if (!(Number.isInteger(failedAuthLimit) && failedAuthLimit >= 1)) fail('--failed-auth-limit must be a positive integer');
const logLevel = flags['log-level'] as LogLevel;
if (!LOG_LEVELS.includes(logLevel)) fail(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
const host = flags.host as string;

let app: ReturnType<typeof buildServer>;
try {
  app = buildServer({
    fixture: flags.fixture,
    clock: new OffsetClock(),
    testClock: !flags['no-test-clock'],
    statsRoute: !flags['no-stats'],
    rateLimitScale,
    failedAuthLimit,
    logLevel,
  });
  await app.listen({ host, port });
} catch (error) {
  process.stderr.write(`herald: could not start: ${(error as Error).message}\n`);
  process.exit(1);
}

const boundPort = (app.server.address() as AddressInfo).port;
// Wildcard and loopback binds are reached as localhost; any other address as itself.
const wildcard = host === '0.0.0.0' || host === '::';
const visibleHost = wildcard || host === 'localhost' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
const origin = `http://${visibleHost}:${boundPort}`;
const env = envVariables(app.herald, origin);
const baseUrl = env.HERALD_BASE_URL;
app.herald.setPublicBaseUrl(baseUrl);
const testClockUrl = env.HERALD_TEST_CLOCK_URL;
const statsUrl = env.HERALD_STATS_URL;

if (flags['env-out']) {
  writeEnvFile(flags['env-out'], env);
}

const startupMs = Math.round(performance.now());
printBanner();

function printBanner() {
  const lines = [
    '',
    `Herald reference server ready in ${startupMs} ms (from process start)`,
    '',
    `  API          ${baseUrl}`,
    `  Docs         ${origin}/docs`,
    `  Spec         ${origin}/openapi.json  ${origin}/openapi.yaml`,
    `  Health       ${origin}/health`,
    testClockUrl ? `  Test clock   ${testClockUrl}  (POST {"advance_seconds": N} to move time)` : '  Test clock   disabled',
    statsUrl ? `  Stats        ${statsUrl}  (read-only counters: lookups, tracked keys and addresses, idempotency records)` : '  Stats        disabled',
    rateLimitScale !== 1 ? `  Rate limits  plan limits × ${rateLimitScale}` : '',
    flags['env-out'] ? `  Env file     ${flags['env-out']}` : '',
    wildcard ? `  WARNING      listening on every interface (${host}): anyone on the network can use the demo keys` : '',
    '',
    'Demo keys (a local mock: these keys are public, never use them anywhere else):',
  ];
  const keys = app.herald.seededKeys;
  const width = Math.max(...keys.map((k) => (k.envVar ?? '').length), 8);
  for (const key of keys) {
    const account = `${key.accountName} (${key.plan}${key.accountActive ? '' : ', inactive'})`;
    lines.push(`  ${(key.envVar ?? '-').padEnd(width)}  ${key.secret}  ${account} · ${key.environmentName} · ${key.scopes.join(' ')}`);
  }
  lines.push('', 'Application identifiers (public, for client-side code):');
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.environmentId)) continue;
    seen.add(key.environmentId);
    lines.push(`  ${key.applicationIdentifier}  ${key.accountName} · ${key.environmentName}`);
  }
  lines.push('', `Try: curl -H "Authorization: Bearer ${env.HERALD_API_KEY ?? keys[0]?.secret}" ${baseUrl}/ping`, 'Stop with Ctrl-C.', '');
  process.stdout.write(lines.filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n') + '\n');
}

let stopping = false;
function stop(reason: string) {
  if (stopping) process.exit(1); // asked twice: stop now
  stopping = true;
  app.log.info({ reason }, 'stopping');
  app.close().then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`herald: error while stopping: ${error.message}\n`);
      process.exit(1);
    },
  );
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(signal));

// `kill <npm pid>` stops npm and its shell but not the shell's child: npm's `sh -c` does not
// pass SIGTERM on. A server whose parent is gone stops itself rather than linger on the port.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop('parent process exited');
}, 1000).unref();
