import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, startReferenceServer, writeEnvFile, type ReferenceServer } from '../../mock/src/testing.ts';
import { EXIT, type RunResult } from '../src/results.ts';
import { resolveConfig } from '../src/runner/config.ts';
import { runSuite } from '../src/runner/run-suite.ts';
import { startFaultProxy, withJson, json, type Fault } from './fault-proxy.ts';
import { failedRules, REPO_ROOT, runContract } from './run-process.ts';

/**
 * The suite against targets that misbehave on purpose — small servers written here, or the
 * reference server behind a proxy — and against its own edge cases (signals, two runs at once,
 * report paths, redaction, start-up diagnosis): bounded, honest runs whatever the target does.
 */

/** A node:http server that answers as `handler` says, on 127.0.0.1. */
async function tinyServer(handler: http.RequestListener): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function run(args: string[], env: Record<string, string>): Promise<RunResult> {
  return runSuite(resolveConfig(args, env).config!);
}

const KEY = 'hk_test_' + 'A'.repeat(30) + '000000';

describe('bounded exchanges', () => {
  test('a body that never ends fails responses.answered at the body cap, quickly, with bounded memory', async () => {
    const target = await tinyServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => { while (res.write(chunk)) { /* until the socket pushes back */ } };
      res.on('drain', pump);
      pump();
    });
    try {
      const before = process.memoryUsage().rss;
      const result = await run(['--timeout', '20000'], { HERALD_BASE_URL: target.url, HERALD_API_KEY: KEY });
      expect(result.exitCode).toBe(EXIT.failed);
      expect(failedRules(result)).toEqual(['responses.answered']);
      expect(result.rules.find((r) => r.id === 'responses.answered')!.failures[0].message).toMatch(/passed \d+ bytes, more than the suite keeps/);
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await target.close();
    }
  });

  test('a body that trickles in byte by byte fails at the deadline of the whole exchange', async () => {
    const target = await tinyServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const started = Date.now();
      const result = await run(['--timeout', '1500'], { HERALD_BASE_URL: target.url, HERALD_API_KEY: KEY });
      expect(result.exitCode).toBe(EXIT.failed);
      expect(result.rules.find((r) => r.id === 'responses.answered')!.failures[0].message).toContain('within 1500 ms');
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await target.close();
    }
  });
});

describe('start-up diagnosis', () => {
  const diagnose = async (handler: http.RequestListener, base = '/v1') => {
    const target = await tinyServer(handler);
    try {
      return await run([], { HERALD_BASE_URL: target.url.replace(/\/v1$/, base), HERALD_API_KEY: KEY });
    } finally {
      await target.close();
    }
  };
  const problem = (res: http.ServerResponse, status: number, code: string) => {
    res.writeHead(status, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ code, detail: 'no' }));
  };

  test('nothing listening: exit 2, said so', async () => {
    const result = await run([], { HERALD_BASE_URL: `http://127.0.0.1:${await freePort()}/v1`, HERALD_API_KEY: KEY });
    expect(result.exitCode).toBe(EXIT.error);
    expect(result.errors[0]).toContain('nothing is listening there');
  });

  test('not HTTP: exit 2, said so', async () => {
    const server = net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const result = await run([], { HERALD_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, HERALD_API_KEY: KEY });
      expect(result.exitCode).toBe(EXIT.error);
      expect(result.errors[0]).toContain('is not HTTP');
    } finally {
      server.close();
    }
  });

  test('a redirect: exit 2, with where it points', async () => {
    const result = await diagnose((_req, res) => { res.writeHead(302, { location: 'https://login.example/sso' }); res.end(); });
    expect(result.exitCode).toBe(EXIT.error);
    expect(result.errors[0]).toMatch(/302, a redirect to https:\/\/login\.example\/sso/);
  });

  test('a 404 because /v1 is missing from the base URL: exit 2, saying so and that /v1 answers', async () => {
    const result = await diagnose((req, res) => (req.url?.startsWith('/v1/') ? problem(res, 401, 'invalid_api_key') : problem(res, 404, 'not_found')), '');
    expect(result.exitCode).toBe(EXIT.error);
    expect(result.errors[0]).toMatch(/404: the base URL looks wrong\. The spec's API lives under \/v1 .*answers: use that/);
  });

  test('a 5xx: the target is broken (exit 1), not the key', async () => {
    const result = await diagnose((_req, res) => problem(res, 503, 'internal_error'));
    expect(result.exitCode).toBe(EXIT.failed);
    expect(failedRules(result)).toEqual(['responses.no-server-error']);
  });

  test('401 in every form: the key (exit 2); 403: the key is refused (exit 2)', async () => {
    const refused = await diagnose((_req, res) => problem(res, 401, 'invalid_api_key'));
    expect(refused.exitCode).toBe(EXIT.error);
    expect(refused.errors[0]).toMatch(/HERALD_API_KEY is not accepted .* in any form \(.*401 invalid_api_key/);
    const forbidden = await diagnose((_req, res) => problem(res, 403, 'account_inactive'));
    expect(forbidden.exitCode).toBe(EXIT.error);
    expect(forbidden.errors[0]).toMatch(/HERALD_API_KEY is refused .*403 account_inactive/);
  });
});

describe('redaction', () => {
  test('a configured key is never printed, whatever its length or format', async () => {
    const short = 'k3y9';
    const foreign = 'acme-live-0123456789abcdefghijklmnopqrstuvwxyz';
    // A broken target that quotes the credential it was sent in its 500.
    const target = await tinyServer((req, res) => {
      res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ code: 'internal_error', detail: `cannot handle ${req.headers.authorization ?? req.headers['x-api-key']}` }));
    });
    try {
      for (const key of [short, foreign]) {
        const result = await runContract([], { HERALD_BASE_URL: target.url, HERALD_API_KEY: key });
        try {
          expect(result.code).toBe(EXIT.failed);
          for (const text of [result.stdout, JSON.stringify(result.result)]) {
            expect(text).not.toMatch(new RegExp(`(^|[^0-9A-Za-z])${key}([^0-9A-Za-z]|$)`));
            expect(text).toContain('[REDACTED]');
          }
        } finally {
          result.cleanup();
        }
      }
    } finally {
      await target.close();
    }
  });
});

describe('against the reference server', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ logLevel: 'silent' });
  });
  afterAll(() => server.close());

  const activeSuiteKeys = () => server.store.dump().keys.filter((k) => k.name.startsWith('herald-contract ') && k.revokedAt === null);

  test('a target that answers "scopes": "*" fails the rules that met it; no crash, no runner error (exit 1)', async () => {
    const fault: Fault = {
      name: 'scopes-as-a-star', breaks: 'scopes answered as "*"', caughtBy: ['responses.body-schema'],
      onResponse: (res, req) => {
        const body = json(res);
        if (req.url.startsWith('/v1/ping') && body?.data?.key) {
          body.data.key.scopes = '*';
          return withJson(res, body);
        }
        return undefined;
      },
    };
    const proxy = await startFaultProxy(server.origin, fault, { ...server.keys });
    try {
      const result = await run(['--only', 'scopes,lifecycle.new-key-works,responses'], { ...server.env, HERALD_BASE_URL: `${proxy.origin}/v1` });
      expect(result.errors).toEqual([]);
      expect(result.rules.filter((r) => r.status === 'error')).toEqual([]);
      expect(result.exitCode).toBe(EXIT.failed);
      expect(failedRules(result)).toEqual(expect.arrayContaining(['responses.body-schema', 'scopes.read-only-key']));
    } finally {
      await proxy.close();
    }
  });

  test('coverage: the full matrix is exercised; --min-coverage fails a run that exercises less (exit 3), --fail-on-skip one that skips (exit 3)', async () => {
    const partial = await run(['--only', 'auth.missing-key', '--min-coverage', '90'], server.env);
    expect(partial.exitCode).toBe(EXIT.incomplete);
    expect(partial.coverage!.percent).toBeLessThan(90);
    expect(partial.coverage!.cells.find((c) => c.operation === 'getUsage' && c.value === '500')).toMatchObject({ causable: false });
    expect(partial.coverage!.cells.find((c) => c.operation === 'getUsage' && c.value === '200')!.reason).toBe('not reached in this run');
    const skipping = await run(['--only', 'isolation', '--fail-on-skip'], { HERALD_BASE_URL: server.baseUrl, HERALD_API_KEY: server.keys.HERALD_API_KEY });
    expect(skipping.exitCode).toBe(EXIT.incomplete);
    expect(skipping.failOnSkip).toBe(true);
  });

  test('a second run against the same target while one is in progress exits 2 saying so; the first passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-two-runs-'));
    const envFile = join(dir, 'target.env');
    writeEnvFile(envFile, server.env);
    try {
      // The first run is paused mid-run (SIGSTOP) while the second starts, so that it is surely
      // still in progress however fast or loaded the machine; its deadlines are long enough to
      // outlast the pause.
      const first = spawnContract(['--env-file', envFile, '--only', 'auth,scopes', '--timeout', '120000']);
      await first.waitFor(/auth \(scenario/);
      first.kill('SIGSTOP');
      const second = spawnContract(['--env-file', envFile, '--only', 'auth.missing-key']);
      const b = await second.done;
      first.kill('SIGCONT');
      const a = await first.done;
      expect(b.code, `${b.stdout}\n${b.stderr}\nfirst run:\n${a.stdout.slice(-2000)}`).toBe(EXIT.error);
      expect(b.stdout).toMatch(/another herald-contract run \(run id [0-9a-f]{8}, .*\) is in progress against this target/);
      expect(a.code, a.stdout.slice(-3000)).toBe(EXIT.ok);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} mid-run: requests cancelled, keys revoked, clock moved back, reports written and marked, exit ${signal === 'SIGINT' ? 130 : 143}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'herald-signal-'));
      const envFile = join(dir, 'target.env');
      writeEnvFile(envFile, server.env);
      // Every run's failed authentications count toward this address's throttle for a minute; the
      // runs before this one on the same server may have spent most of it (the auth matrix grows
      // with every operation): start a fresh window, as a minute's pause would.
      server.clock.advance(61_000);
      const clockBefore = server.clock.now() - Date.now();
      try {
        const child = spawnContract(['--env-file', envFile, '--json', join(dir, 'r.json'), '--junit', join(dir, 'j.xml')]);
        await child.waitFor(/lifecycle \(scenario/);
        child.kill(signal);
        const { code, stdout } = await child.done;
        expect(code).toBe(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
        expect(stdout).toContain(`Stopped: interrupted by ${signal}`);
        expect(stdout).toMatch(/Cleanup: revoked (\d+) of the \1 keys the run created/);
        expect(stdout).toMatch(new RegExp(`Result: INTERRUPTED by ${signal} \\(exit ${code}\\)\\n$`));
        const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunResult;
        expect(report.stopped?.cause).toBe(signal);
        expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toContain(`interrupted by ${signal}`);
        expect(activeSuiteKeys()).toEqual([]);
        expect(Math.abs(server.clock.now() - Date.now() - clockBefore)).toBeLessThan(2000);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('SIGINT while webhook endpoints are registered: the stopped run deletes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-signal-webhooks-'));
    const envFile = join(dir, 'target.env');
    writeEnvFile(envFile, server.env);
    server.clock.advance(61_000);
    const environmentId = server.seededKeys.find((key) => key.envVar === 'HERALD_API_KEY')!.environmentId;
    const endpoints = () => server.app.herald.webhooks.listEndpoints(environmentId, 0, 1000);
    expect(endpoints()).toEqual([]);
    try {
      const child = spawnContract(['--env-file', envFile, '--only', 'webhooks']);
      // Stopped only once the target holds an endpoint of the run, so the test cannot pass by
      // stopping the run before it registered any.
      let registered = 0;
      while (registered === 0 && child.exitCode() === null) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        registered = endpoints().length;
      }
      expect(registered, 'the run ended before it registered a webhook endpoint').toBeGreaterThan(0);
      child.kill('SIGINT');
      const { code, stdout } = await child.done;
      expect(code, stdout.slice(-2000)).toBe(EXIT.sigint);
      expect(stdout).not.toContain('could not be deleted');
      expect(endpoints()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a report path that cannot be written is refused before the first request (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-report-'));
    writeFileSync(join(dir, 'a-file'), '');
    const target = await tinyServer((_req, res) => res.end());
    try {
      const result = await runContract(['--junit', join(dir, 'a-file', 'junit.xml')], { HERALD_BASE_URL: target.url, HERALD_API_KEY: KEY });
      result.cleanup();
      expect(result.code).toBe(EXIT.error);
      expect(result.stderr).toMatch(/^herald-contract: cannot write the JUnit report to .*a-file\/junit\.xml: (ENOTDIR|EEXIST) \(checked before sending anything\)\n$/);
      expect(target.requests()).toBe(0);
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('command line', () => {
  test('--env-file pointing nowhere: the suite\'s own message, exit 2 (npm run contract)', async () => {
    const child = spawn('npm', ['run', '-s', 'contract', '--', '--env-file', '/nonexistent/target.env'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c; });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(EXIT.error);
    expect(stderr).toMatch(/^herald-contract: Cannot read --env-file \/nonexistent\/target\.env/);
  });

  test('an unknown rule or group in --only or --skip is exit 2, listing the valid ones', async () => {
    const result = await runContract(['--only', 'auth,nosuchrule'], { HERALD_BASE_URL: 'http://127.0.0.1:9/v1', HERALD_API_KEY: KEY });
    result.cleanup();
    expect(result.code).toBe(EXIT.error);
    expect(result.stderr).toMatch(/--only \/ HERALD_ONLY: no rule or group "nosuchrule"\. Groups: responses, auth, .*Rules: responses\.answered, /);
  });
});

/** The suite's command in a child process, with a way to wait for a line of its progress. */
function spawnContract(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--', join(REPO_ROOT, 'contract-tests', 'src', 'cli.ts'), ...args], {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout.on('data', (c: Buffer) => { stdout += c; });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c;
    for (const w of waiters.splice(0)) (w.pattern.test(stderr) ? w.resolve() : waiters.push(w));
  });
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  return {
    done,
    kill: (signal: NodeJS.Signals) => child.kill(signal),
    exitCode: () => child.exitCode,
    waitFor: (pattern: RegExp) => new Promise<void>((resolve, reject) => {
      if (pattern.test(stderr)) return resolve();
      waiters.push({ pattern, resolve });
      void done.then(() => reject(new Error(`the run ended before ${pattern}:\n${stderr}\n${stdout.slice(-2000)}`)));
    }),
  };
}
