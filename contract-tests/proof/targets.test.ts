import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_FAILED_AUTH_LIMIT } from '../../mock/src/auth-throttle.ts';
import { startPrism, type PrismMock } from '../../mock/src/prism.ts';
import { freePort, startReferenceServer, writeEnvFile, type ReferenceServer } from '../../mock/src/testing.ts';
import { unknownWellFormedKey } from '../src/harness/key-material.ts';
import { ruleIds } from '../src/rule-catalogue.ts';
import { Contract } from '../src/spec/contract.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { FAULTS } from './faults.ts';
import { failedRules, REPO_ROOT, runContract, runDredd, runProcess } from './run-process.ts';

/**
 * The suite and dredd against healthy targets: the full profile passes against the reference
 * server with every rule checked, the stateless profile passes against Prism, dredd passes
 * against the reference server; and the runner tells a broken target (exit 1) from its own
 * problems (exit 2).
 */
const FULL_KEY = /hk_(live|test)_[0-9A-Za-z]{36}/;

describe('against the reference server', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ logLevel: 'silent' });
  });
  // Each run starts in a fresh failed-auth window, as runs a minute apart would: several runs
  // from one address within a real minute add up (see the failed-auth count below).
  beforeEach(() => {
    server.clock.advance(61_000);
  });
  afterAll(async () => {
    await server.close();
  });

  test('the full profile passes, checks every rule, exercises every causable coverage cell, moves the clock back, and writes reports (HAR too) without a secret', async () => {
    const clockBefore = server.clock.now() - Date.now();
    const run = await runContract(['--junit', '{dir}/junit.xml', '--html', '{dir}/report.html', '--har', '{dir}/run.har', '--min-coverage', '100'], server.env);
    try {
      expect(run.code, run.stdout.slice(-4000)).toBe(0);
      const result = run.result!;
      expect(result.coverage).toMatchObject({ percent: 100, undocumented: [] });
      expect(result.coverage!.cells.filter((c) => !c.causable).every((c) => c.value === '500')).toBe(true);
      expect(result.cleanup).toMatchObject({ leftActive: 0, clockRestored: true });
      expect(result.cleanup!.clockAdvancedSeconds).toBeGreaterThan(0);
      expect(Math.abs(server.clock.now() - Date.now() - clockBefore)).toBeLessThan(2000);
      expect(result.fuzz!.cases).toBeGreaterThan(100);
      expect(run.stdout).toMatch(/^Seed \d+ \(schema-derived input; --seed \d+ draws the same cases\)$/m);
      const har = JSON.parse(readFileSync(join(run.dir, 'run.har'), 'utf8'));
      expect(har.log.version).toBe('1.2');
      expect(har.log.entries.length).toBeGreaterThanOrEqual(result.totals.requests);
      expect(har.log.entries[0]).toMatchObject({ request: { method: 'GET', httpVersion: 'HTTP/1.1' }, response: { status: 200 } });
      const junitText = readFileSync(join(run.dir, 'junit.xml'), 'utf8');
      expect(junitText).toMatch(/<testcase classname="herald.lifecycle" name="lifecycle.expiry" time="(?!0\.000)\d+\.\d{3}">/);
      expect(junitText).toContain('<testsuite name="coverage"');
      expect(result.rules.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status} ${r.skipReasons.join('; ')}`)).toEqual([]);
      expect(result.rules.map((r) => r.id).sort()).toEqual([...ruleIds()].sort());
      expect(result.totals.checks).toBeGreaterThan(1000);
      // The suite's own failed authentications: the throttle check sends exactly the server's
      // default limit, and the rest of the run (the auth matrix) stays well below it, so that
      // two runs a minute never trip the default throttle.
      const { failedAuthentications, failedAuthenticationsByGroup } = result.totals;
      expect(failedAuthenticationsByGroup.throttle).toBe(DEFAULT_FAILED_AUTH_LIMIT);
      expect(failedAuthentications - failedAuthenticationsByGroup.throttle).toBeLessThan(DEFAULT_FAILED_AUTH_LIMIT / 2);
      console.log(`the full profile's failed authentications: ${failedAuthentications - failedAuthenticationsByGroup.throttle} outside the throttle check, ${failedAuthenticationsByGroup.throttle} in it (default limit ${DEFAULT_FAILED_AUTH_LIMIT})`);
      expect(run.stdout).toContain('Result: PASS (exit 0)');
      expect(run.stdout).toMatch(/\d+ checks \(0 failed\)/);
      for (const report of [run.stdout, junitText, readFileSync(join(run.dir, 'report.html'), 'utf8'), readFileSync(join(run.dir, 'run.har'), 'utf8')]) {
        for (const secret of Object.values(server.keys)) expect(report).not.toContain(secret);
        expect(report).not.toMatch(FULL_KEY);
      }
    } finally {
      run.cleanup();
    }
  });

  test('reports (summary, JUnit, HTML, JSON) of a failing run show the failure and no secret, even one the target echoed', async () => {
    // A server that quotes the presented key in its errors: the failures' exchanges carry keys
    // in requests and responses, and every report must still show none of them.
    const proxy = await startFaultProxy(server.origin, FAULTS.find((f) => f.name === 'echoes-key-in-error')!, { ...server.keys });
    const run = await runContract(['--junit', '{dir}/junit.xml', '--html', '{dir}/report.html', '--skip', 'lifecycle,isolation,scopes,accounts,rate-limit,quotas,idempotency,errors,throttle'], {
      ...server.env,
      HERALD_BASE_URL: `${proxy.origin}${new URL(server.baseUrl).pathname}`,
    });
    try {
      expect(run.code).toBe(1);
      expect(failedRules(run.result)).toContain('secrets.no-echo');
      const junit = readFileSync(join(run.dir, 'junit.xml'), 'utf8');
      const html = readFileSync(join(run.dir, 'report.html'), 'utf8');
      for (const report of [run.stdout, junit, html, JSON.stringify(run.result)]) {
        expect(report).toContain('secrets.no-echo');
        expect(report).toContain('[REDACTED]');
        for (const secret of Object.values(server.keys)) expect(report).not.toContain(secret);
        expect(report).not.toMatch(FULL_KEY);
      }
      expect(junit).toMatch(/<testcase classname="herald.secrets" name="secrets.no-echo"[^>]*>\s*<failure /);
      expect(html).not.toMatch(/(src|href)=["']?https?:/);
      expect(run.stdout).toContain('Result: FAIL');
    } finally {
      run.cleanup();
      await proxy.close();
    }
  });

  test('scenarios whose variable is absent are skipped with the reason, never passed', async () => {
    const run = await runContract(['--skip', 'lifecycle,rate-limit,errors'], { HERALD_BASE_URL: server.baseUrl, HERALD_API_KEY: server.keys.HERALD_API_KEY }, { asEnvironment: true });
    try {
      expect(run.code, run.stdout.slice(-3000)).toBe(0);
      const rule = (id: string) => run.result!.rules.find((r) => r.id === id)!;
      expect(rule('isolation.environments')).toMatchObject({ status: 'skip', checks: 0 });
      expect(rule('isolation.environments').skipReasons.join()).toContain('HERALD_OTHER_ENV_API_KEY');
      expect(rule('accounts.inactive').skipReasons.join()).toContain('HERALD_INACTIVE_ACCOUNT_API_KEY');
      expect(rule('quotas.exceeded').skipReasons.join()).toContain('HERALD_NEAR_QUOTA_API_KEY');
      expect(rule('scopes.read-only-key').skipReasons.join()).toContain('HERALD_READ_ONLY_API_KEY');
      expect(rule('throttle.failed-auth').skipReasons.join()).toContain('HERALD_TEST_CLOCK_URL');
      for (const id of ['auth.malformed-key-no-lookup', 'auth.unknown-key-no-state']) {
        expect(rule(id)).toMatchObject({ status: 'skip', checks: 0 });
        expect(rule(id).skipReasons.join()).toContain('HERALD_STATS_URL');
      }
      expect(rule('lifecycle.expiry').skipReasons.join()).toContain('--skip');
      // Skipped rules are folded to one line per reason.
      expect(run.stdout).toMatch(/- skip\s+HERALD_OTHER_ENV_API_KEY is not set [^\n]*: [^\n]*isolation\.environments/);
    } finally {
      run.cleanup();
    }
  });

  test('a new operation in the spec joins the checks without editing a test', async () => {
    const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'generated', 'openapi.json'), 'utf8'));
    // A copy of GET /usage under a path the server does not serve: the suite must now exercise
    // it in the auth matrix (and find that the server does not implement it).
    spec.paths['/usage/history'] = { get: { ...spec.paths['/usage'].get, operationId: 'getUsageHistory' } };
    const dir = mkdtempSync(join(tmpdir(), 'herald-spec-'));
    const extended = join(dir, 'openapi.json');
    writeFileSync(extended, JSON.stringify(spec));
    expect(Contract.load(extended).authenticatedOperations.map((op) => op.id)).toContain('getUsageHistory');
    const run = await runContract(['--spec', extended, '--skip', 'lifecycle,isolation,scopes,accounts,rate-limit,quotas,idempotency,errors,throttle'], server.env);
    try {
      expect(run.code).toBe(1);
      const headerForms = run.result!.rules.find((r) => r.id === 'auth.header-forms')!;
      expect(headerForms.status).toBe('fail');
      expect(headerForms.failures.every((f) => f.message.startsWith('getUsageHistory'))).toBe(true);
    } finally {
      run.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('dredd passes with the hooks, every documented response made real or skipped with a reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-dredd-'));
    const envFile = join(dir, 'target.env');
    const summaryFile = join(dir, 'dredd.json');
    writeEnvFile(envFile, server.env);
    // The suite runs before this one on the same server spent most of this address's failed-auth
    // window (the auth matrix grew with the webhook operations): start a fresh one, as a minute's
    // pause would, so dredd's refusals are the ones it asks for, not the throttle's.
    server.clock.advance(61_000);
    const run = await runDredd(['--env-file', envFile, '--json', summaryFile], {});
    expect(run.code, run.stdout.slice(-4000)).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary).toMatchObject({ failing: 0, errors: 0 });
    expect(summary.passing).toBeGreaterThan(50);
    // Only the 500s are skipped: no request can make a conforming server fail.
    expect(summary.skipped).toBe(Contract.load().operations.filter((op) => op.responses.has('500')).length);
    for (const secret of Object.values(server.keys)) expect(run.stdout + run.stderr).not.toContain(secret);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('failures a person can act on', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ logLevel: 'silent' });
  });
  afterAll(() => server.close());

  test("a failure's curl command, pasted into sh with a key made as its note says, reproduces the failure; no key is printed", async () => {
    const proxy = await startFaultProxy(server.origin, FAULTS.find((f) => f.name === 'accepts-overlong-name')!, { ...server.keys });
    const baseUrl = `${proxy.origin}/v1`;
    const run = await runContract(['--only', 'input.invalid-refused'], { ...server.env, HERALD_BASE_URL: baseUrl });
    try {
      expect(run.code).toBe(1);
      const failure = run.result!.rules.find((r) => r.id === 'input.invalid-refused')!.failures.find((f) => f.message.includes('one past its maximum'))!;
      const curl = failure.exchange!.curl!;
      expect(curl).toContain('"$HERALD_CREATED_KEY"');
      expect(curl).toMatch(/^# HERALD_CREATED_KEY: the secret of a key the run created/m);
      for (const secret of Object.values(server.keys)) expect(curl).not.toContain(secret);
      expect(curl).not.toMatch(FULL_KEY);
      // Make a key as the note says, then paste the command as printed.
      const made = await fetch(`${baseUrl}/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${server.keys.HERALD_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'reproduction' }) });
      const secret = ((await made.json()) as { data: { secret: string } }).data.secret;
      const replay = await runProcess('sh', ['-c', curl], { HERALD_CREATED_KEY: secret, PATH: process.env.PATH ?? '' });
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.stdout).toMatch(/^HTTP\/1\.1 201 /);
    } finally {
      run.cleanup();
      await proxy.close();
    }
  });
});

describe('the runner keeps its own errors apart from the target\'s failures', () => {
  test('an unreachable target is an error (exit 2), not a failure', async () => {
    const port = await freePort();
    const run = await runContract([], { HERALD_BASE_URL: `http://127.0.0.1:${port}/v1`, HERALD_API_KEY: unknownWellFormedKey(Contract.load().keyFormat) });
    try {
      expect(run.code).toBe(2);
      expect(run.stdout).toContain('Cannot reach the target');
      expect(run.result!.totals.failedChecks).toBe(0);
    } finally {
      run.cleanup();
    }
  });

  test('missing configuration is an error (exit 2) with a message saying what to set', async () => {
    const run = await runContract([], { HERALD_BASE_URL: 'http://127.0.0.1:9/v1' }, { asEnvironment: true });
    run.cleanup();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('HERALD_API_KEY');
  });
});

describe('against Prism (stateless profile)', () => {
  let prism: PrismMock;
  beforeAll(async () => {
    // herald-mock's Prism mode: the spec's paths under /v1, like the real API.
    prism = await startPrism({ port: 0 });
  }, 90_000);
  afterAll(() => prism?.close());

  test('Prism serves the spec under the base path, like the real API, and sends no CORS headers', async () => {
    const key = unknownWellFormedKey(Contract.load().keyFormat);
    const served = await fetch(`${prism.baseUrl}/ping`, { headers: { Authorization: `Bearer ${key}` } });
    expect(served.status).toBe(200);
    expect(served.headers.get('access-control-allow-origin')).toBeNull();
    const root = await fetch(`${prism.origin}/ping`, { headers: { Authorization: `Bearer ${key}` } });
    expect(root.status).toBe(404);
    await Promise.all([served.body?.cancel(), root.body?.cancel()]);
  });

  test('the stateless profile passes', async () => {
    const run = await runContract(['--profile', 'stateless'], { HERALD_BASE_URL: prism.baseUrl, HERALD_API_KEY: unknownWellFormedKey(Contract.load().keyFormat) });
    try {
      expect(run.code, run.stdout.slice(-4000)).toBe(0);
      const passed = run.result!.rules.filter((r) => r.status === 'pass').map((r) => r.id);
      expect(passed).toEqual(expect.arrayContaining(['responses.body-schema', 'auth.missing-key', 'auth.header-forms']));
      expect(run.result!.rules.find((r) => r.id === 'lifecycle.revoke')!.skipReasons).toContain('not part of the stateless profile');
      const coverage = run.result!.coverage!;
      expect(coverage.cells.filter((c) => c.causable && !c.exercised).every((c) => c.reason)).toBe(true);
      console.log(`coverage against Prism, stateless profile: ${coverage.percent} % (${coverage.exercised} of ${coverage.causable} causable cells)`);
    } finally {
      run.cleanup();
    }
  });
});
