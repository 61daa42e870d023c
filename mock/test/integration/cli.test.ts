import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEnvFile } from '../../../contract-tests/src/runner/env-file.ts';
import { loadContract } from '../../src/spec.ts';
import { credentialHeaders, expectConforms, rawCall } from '../support/http.ts';
import { WINDOW_SECONDS } from '../support/spec-values.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `npm start`'s command on a free port, writing its env file; resolves once it says it is ready. */
async function startCli(flags: string[]) {
  const envFile = join(mkdtempSync(join(tmpdir(), 'herald-cli-')), 'herald.env');
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock/start.ts', '--port', '0', '--host', '127.0.0.1', '--env-out', envFile, ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cli = { envFile, output: '', exited: new Promise<number | null>((resolve) => child.once('exit', resolve)), stop: () => child.kill('SIGTERM') };
  child.stdout.on('data', (c) => (cli.output += c));
  child.stderr.on('data', (c) => (cli.output += c));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => cli.output.includes('Stop with Ctrl-C') && resolve());
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${cli.output}`)));
    });
  } catch (error) {
    cli.stop();
    throw error;
  }
  return cli;
}

describe('herald-mock (mock/start.ts, npm start)', () => {
  it('starts on a free port, writes the env file, prints keys, serves the API and stops cleanly on SIGTERM', async () => {
    const scale = 2;
    const cli = await startCli(['--rate-limit-scale', String(scale)]);
    const { envFile } = cli;
    try {
      expect(existsSync(envFile)).toBe(true);
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      const env = readEnvFile(envFile);
      expect(Object.keys(env).sort()).toEqual(
        [
          'HERALD_BASE_URL',
          'HERALD_API_KEY',
          'HERALD_OTHER_ENV_API_KEY',
          'HERALD_READ_ONLY_API_KEY',
          'HERALD_INACTIVE_ACCOUNT_API_KEY',
          'HERALD_NEAR_QUOTA_API_KEY',
          'HERALD_TEST_CLOCK_URL',
          'HERALD_STATS_URL',
          'HERALD_REPORTER_KEY_IDENTIFIER',
          'HERALD_REPORTER_PRIVATE_KEY',
        ].sort(),
      );
      expect(env.HERALD_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      for (const name of ['HERALD_API_KEY', 'HERALD_OTHER_ENV_API_KEY']) expect(cli.output).toContain(env[name]);
      expect(cli.output).toMatch(/app_[0-9A-Za-z]{24}/);
      expect(cli.output).toContain(`${env.HERALD_BASE_URL.slice(0, -3)}/docs`);
      const origin = new URL(env.HERALD_BASE_URL).origin;
      const res = await rawCall(origin, 'GET', '/v1/ping', credentialHeaders(env.HERALD_API_KEY, 'bearer'));
      expectConforms('GET', '/v1/ping', res);
      expect(res.status).toBe(200);
      expect(res.header('ratelimit-policy')).toBe(`"default";q=${loadContract().plans.get('startup')!.requestsPerMinute * scale};w=${WINDOW_SECONDS}`);
      const clock = await rawCall(origin, 'GET', new URL(env.HERALD_TEST_CLOCK_URL).pathname, {});
      expect(clock.status).toBe(200);
      const stats = await rawCall(origin, 'GET', new URL(env.HERALD_STATS_URL).pathname, {});
      expect(stats.status).toBe(200);
      expect(stats.json.store_lookups).toBe(1);
    } finally {
      cli.stop();
    }
    expect(await cli.exited).toBe(0);
    expect(cli.output).toContain('"reason":"SIGTERM","msg":"stopping"');
  });

  it('serves neither mock-only control with --no-test-clock --no-stats, and says so', async () => {
    const cli = await startCli(['--no-test-clock', '--no-stats', '--log-level', 'warn']);
    const { envFile } = cli;
    try {
      const env = readEnvFile(envFile);
      expect(env.HERALD_TEST_CLOCK_URL).toBeUndefined();
      expect(env.HERALD_STATS_URL).toBeUndefined();
      expect(cli.output).toMatch(/Test clock\s+disabled/);
      expect(cli.output).toMatch(/Stats\s+disabled/);
      const origin = new URL(env.HERALD_BASE_URL).origin;
      for (const path of ['/_herald/stats', '/_herald/test-clock']) expect((await rawCall(origin, 'GET', path, {})).status, path).toBe(404);
    } finally {
      cli.stop();
    }
    expect(await cli.exited).toBe(0);
  });

  /** The command's exit code and what it printed on stderr. */
  async function startFailure(args: string[]): Promise<{ code: unknown; err: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'mock/start.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    return { code, err };
  }

  it('refuses bad flags with a usage message', async () => {
    for (const args of [['--port', 'x'], ['--rate-limit-scale', '0'], ['--log-level', 'loud'], ['--bogus'], ['serve'], ['prism', '--fixture', 'x.json']]) {
      const { code, err } = await startFailure(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err).toMatch(/^herald-mock: .+\n\nUsage: herald-mock/);
    }
  });

  it('refuses a missing or malformed fixture in one line, exit 2, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    const malformed = join(dir, 'broken.json');
    writeFileSync(malformed, '{"accounts": [');
    const wrongShape = join(dir, 'wrong.json');
    writeFileSync(wrongShape, '{"accounts": 3}');
    for (const [file, said] of [[join(dir, 'missing.json'), 'no such file'], [malformed, 'is not JSON'], [wrongShape, 'needs an "accounts" array']] as const) {
      const { code, err } = await startFailure(['--port', '0', '--fixture', file]);
      expect(code, file).toBe(2);
      expect(err).toMatch(new RegExp(`^herald-mock: invalid fixture: .*${said}.*\\n$`));
      expect(err).not.toMatch(/\n\s+at /);
    }
  });

  it('says the port is in use in one line, exit 1', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = busy.address() as AddressInfo;
      const { code, err } = await startFailure(['--port', String(port), '--host', '127.0.0.1']);
      expect(code).toBe(1);
      expect(err).toBe(`herald-mock: port ${port} on 127.0.0.1 is already in use: stop what runs there, or pick another port (--port N, or --port 0 for a free one)\n`);
    } finally {
      busy.close();
    }
  });
});
