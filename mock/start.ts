#!/usr/bin/env node
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildServer } from './src/app.ts';
import { OffsetClock } from './src/clock.ts';
import { FixtureError } from './src/fixture.ts';
import { readReporterKeysFile, type ReporterPublicKey } from './src/reporter-keys.ts';
import { DEFAULT_EXPIRING_NOTICE_SECONDS } from './src/webhooks.ts';
import { LOG_LEVELS, type LogLevel } from './src/logging.ts';
import { PrismMissingError, startPrism } from './src/prism.ts';
import { STATS_PATH, TEST_CLOCK_PATH } from './src/site-routes.ts';
import { envVariables, writeEnvFile } from './src/testing.ts';

// `herald-mock` (and `npm start`, `npm run mock` in the repository): the Herald reference server
// on http://localhost:4010, seeded with the demo fixture, or Prism on the same spec. Flags are
// described in mock/README.md and by --help.

// A reader that goes away (`herald-mock | head`) must not crash the server with EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

/** Exit codes, as --help and the README state them. */
const EXIT = { ok: 0, cannotStart: 1, usage: 2 } as const;

const USAGE = `Usage: herald-mock [options]          the reference server (stateful: real keys, limits, quotas)
       herald-mock prism [options]    Prism on the same spec, under /v1 (stateless examples)

Reference server options:
  --port N                 port to listen on (default 4010; 0 picks a free one)
  --host HOST              address to bind (default localhost: loopback only, IPv4 and IPv6)
  --fixture FILE           seed data (default: the demo fixture shipped with the server)
  --env-out FILE           write HERALD_BASE_URL, the demo keys, HERALD_TEST_CLOCK_URL, HERALD_STATS_URL and the local reporter's key (HERALD_REPORTER_*) as NAME=value lines
  --rate-limit-scale F     multiply every plan's per-minute limit by F (default 1)
  --failed-auth-limit N    failed authentications per address and minute before it is throttled (default 500)
  --no-test-clock          do not serve ${TEST_CLOCK_PATH}
  --no-stats               do not serve ${STATS_PATH} (read-only counters for tests)
  --log-level LEVEL        ${LOG_LEVELS.join(', ')} (default info; debug logs every request)
  --reporter-public-keys FILE  also trust these leaked-key reporters (GitHub's format: {"public_keys": [{"key_identifier", "key"}]})
  --webhook-allow-host HOST    also deliver webhooks to HOST (repeatable; default: loopback addresses only)
  --expiring-notice-seconds N  send api_key.expiring N seconds before a key expires (default 604800: 7 days)

Prism options (needs @stoplight/prism-cli installed beside this package):
  --port N                 port to listen on (default 4011; 0 picks a free one)
  --host HOST              address to bind (default 127.0.0.1)
  --errors                 answer requests that break the spec with an error instead of only reporting them

  --help                   show this

Exit codes: 0 stopped normally, 1 could not start (port in use, address not available, Prism
missing or failing), 2 bad command line or fixture.
`;

function fail(message: string, code: number = EXIT.usage, withUsage = code === EXIT.usage): never {
  process.stderr.write(`herald-mock: ${message}\n${withUsage ? `\n${USAGE}` : ''}`);
  process.exit(code);
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        fixture: { type: 'string' },
        'env-out': { type: 'string' },
        'rate-limit-scale': { type: 'string', default: '1' },
        'failed-auth-limit': { type: 'string', default: '500' },
        'no-test-clock': { type: 'boolean', default: false },
        'no-stats': { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'info' },
        'reporter-public-keys': { type: 'string' },
        'webhook-allow-host': { type: 'string', multiple: true },
        'expiring-notice-seconds': { type: 'string', default: String(DEFAULT_EXPIRING_NOTICE_SECONDS) },
        errors: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    fail((error as Error).message);
  }
}

const { values: flags, positionals } = parseFlags();
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(EXIT.ok);
}
if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'prism')) {
  fail(`unknown command ${positionals.join(' ')} (the only command is "prism"; without one the reference server starts)`);
}
const mode = positionals[0] === 'prism' ? 'prism' : 'server';
const port = Number(flags.port ?? (mode === 'prism' ? 4011 : 4010));
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not ${flags.port}`);
const host = flags.host ?? (mode === 'prism' ? '127.0.0.1' : 'localhost');

/** Why a server could not listen, in one line. */
function listenFailure(error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE') return `port ${port} on ${host} is already in use: stop what runs there, or pick another port (--port N, or --port 0 for a free one)`;
  if (error.code === 'EADDRNOTAVAIL') return `cannot listen on ${host}: no network interface of this machine has that address`;
  if (error.code === 'EACCES') return `not allowed to listen on port ${port} of ${host} (ports below 1024 need privileges)`;
  return `could not start: ${error.message}`;
}

if (mode === 'prism') {
  const serverOnly = ['fixture', 'env-out', 'no-test-clock', 'no-stats', 'reporter-public-keys', 'webhook-allow-host'] as const;
  const given = serverOnly.filter((name) => flags[name] !== undefined && flags[name] !== false);
  if (given.length) fail(`--${given.join(', --')} ${given.length > 1 ? 'are' : 'is'} for the reference server, not Prism`);
  try {
    const prism = await startPrism({ port, host, errors: flags.errors, onOutput: (text) => process.stdout.write(text) });
    process.stdout.write(`\nPrism mock of the Herald spec ready: ${prism.baseUrl}\n  Stateless: any credential passes, answers are the spec's examples; pick one with Prefer: code=429 (or example=NAME).\n  Stop with Ctrl-C.\n`);
    const stopPrism = () => prism.close().then(() => process.exit(EXIT.ok));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stopPrism);
    prism.process.on('exit', (code) => process.exit(code ?? EXIT.ok));
  } catch (error) {
    if (error instanceof PrismMissingError) fail(error.message, EXIT.cannotStart);
    const message = (error as Error).message;
    fail(/EADDRINUSE|address already in use/i.test(message) ? listenFailure({ ...(error as Error), code: 'EADDRINUSE', message }) : message, EXIT.cannotStart);
  }
} else {
  await startReferenceServerCli();
}

async function startReferenceServerCli(): Promise<void> {
  const rateLimitScale = Number(flags['rate-limit-scale']);
  if (!(Number.isFinite(rateLimitScale) && rateLimitScale > 0)) fail('--rate-limit-scale must be a positive number');
  const failedAuthLimit = Number(flags['failed-auth-limit']);
  if (!(Number.isInteger(failedAuthLimit) && failedAuthLimit >= 1)) fail('--failed-auth-limit must be a positive integer');
  const logLevel = flags['log-level'] as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  if (flags.errors) fail('--errors is for Prism (herald-mock prism --errors)');
  const expiringNoticeSeconds = Number(flags['expiring-notice-seconds']);
  if (!(Number.isInteger(expiringNoticeSeconds) && expiringNoticeSeconds >= 0)) fail('--expiring-notice-seconds must be a whole number of seconds');
  let reporterPublicKeys: ReporterPublicKey[] = [];
  if (flags['reporter-public-keys']) {
    try {
      reporterPublicKeys = readReporterKeysFile(flags['reporter-public-keys']);
    } catch (error) {
      fail(`cannot read --reporter-public-keys: ${(error as Error).message}`, EXIT.usage, false);
    }
  }

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
      reporterPublicKeys,
      webhookAllowHosts: flags['webhook-allow-host'] ?? [],
      expiringNoticeSeconds,
    });
  } catch (error) {
    if (error instanceof FixtureError) fail(error.message, EXIT.usage, false);
    fail(`could not start: ${(error as Error).message}`, EXIT.cannotStart);
  }
  try {
    await app.listen({ host, port });
  } catch (error) {
    fail(listenFailure(error as NodeJS.ErrnoException), EXIT.cannotStart);
  }

  const boundPort = (app.server.address() as AddressInfo).port;
  // Wildcard and loopback binds are reached as localhost; any other address as itself.
  const wildcard = host === '0.0.0.0' || host === '::';
  const visibleHost = wildcard || host === 'localhost' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${visibleHost}:${boundPort}`;
  const env = envVariables(app.herald, origin);
  const baseUrl = env.HERALD_BASE_URL;
  app.herald.setPublicBaseUrl(baseUrl);
  if (flags['env-out']) {
    try {
      writeEnvFile(flags['env-out'], env);
    } catch (error) {
      await app.close();
      fail(`cannot write --env-out ${flags['env-out']}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.usage, false);
    }
  }

  const startupMs = Math.round(performance.now());
  const lines = [
    '',
    `Herald reference server ready in ${startupMs} ms (from process start)`,
    '',
    `  API          ${baseUrl}`,
    `  Docs         ${origin}/docs`,
    `  Spec         ${origin}/openapi.json  ${origin}/openapi.yaml`,
    `  Health       ${origin}/health`,
    env.HERALD_TEST_CLOCK_URL ? `  Test clock   ${env.HERALD_TEST_CLOCK_URL}  (POST {"advance_seconds": N} to move time)` : '  Test clock   disabled',
    env.HERALD_STATS_URL ? `  Stats        ${env.HERALD_STATS_URL}  (read-only counters: lookups, tracked keys and addresses, idempotency records)` : '  Stats        disabled',
    `  Reports      ${baseUrl}/secret-scanning/reports  (trusts reporter ${app.herald.localReporter.keyIdentifier.slice(0, 16)}…, made at start-up; its private key is in --env-out)`,
    `  Webhooks     delivered to ${flags['webhook-allow-host']?.length ? `loopback and ${flags['webhook-allow-host'].join(', ')}` : 'loopback addresses only'}`,
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

  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) process.exit(EXIT.cannotStart); // asked twice: stop now
    stopping = true;
    app.log.info({ reason }, 'stopping');
    app.close().then(
      () => process.exit(EXIT.ok),
      (error: Error) => {
        process.stderr.write(`herald-mock: error while stopping: ${error.message}\n`);
        process.exit(EXIT.cannotStart);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(signal));

  // `kill <npm pid>` stops npm and its shell but not the shell's child: npm's `sh -c` does not
  // pass SIGTERM on. A server whose parent is gone stops itself rather than linger on the port.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('parent process exited');
  }, 1000).unref();
}
