import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_PATH } from '../../src/spec.ts';
import { freePort, startReferenceServer, type ReferenceServer } from '../../src/testing.ts';
import { credentialHeaders, rawCall } from '../support/http.ts';
import { corrupt } from '../support/server.ts';

// A second opinion from another tool: Prism's proxy validates each of the reference server's
// answers against the bundled spec and, with --errors, turns any violation into a 500.

const PRISM = fileURLToPath(new URL('../../../node_modules/.bin/prism', import.meta.url));

let server: ReferenceServer;
let prism: ChildProcess;
let prismOrigin: string;
let prismOutput = '';

beforeAll(async () => {
  server = await startReferenceServer();
  const port = await freePort();
  prismOrigin = `http://127.0.0.1:${port}`;
  prism = spawn(PRISM, ['proxy', DEFAULT_SPEC_PATH, server.baseUrl, '--errors', '--port', String(port), '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      prismOutput += chunk;
      if (prismOutput.includes('Prism is listening')) resolve();
    };
    prism.stdout?.on('data', onData);
    prism.stderr?.on('data', onData);
    prism.once('exit', (code) => reject(new Error(`prism exited (${code}): ${prismOutput}`)));
  });
}, 60_000);

afterAll(async () => {
  if (prism && prism.exitCode === null) {
    const exited = new Promise((resolve) => prism.once('exit', resolve));
    prism.kill('SIGTERM');
    await exited;
  }
  await server?.close();
});

describe('prism proxy --errors in front of the reference server', () => {
  it('finds no violation in a handful of answers, successes and failures alike', async () => {
    const key = server.keys.HERALD_API_KEY;
    const json = { 'content-type': 'application/json' };
    const created = await rawCall(prismOrigin, 'POST', '/api-keys', { ...credentialHeaders(key), ...json }, '{"name":"via prism","scopes":["keys:read"]}');
    const id = JSON.parse(created.text)?.data?.id ?? 'key_AAAAAAAAAAAAAAAAAAAAAAAA';
    const cases: Array<[string, string, Record<string, string>, string | undefined, number]> = [
      ['GET', '/ping', credentialHeaders(key, 'apikey'), undefined, 200],
      ['GET', '/ping', credentialHeaders(key, 'bearer'), undefined, 200],
      ['GET', '/ping', credentialHeaders(key, 'x-api-key'), undefined, 200],
      ['GET', '/environment', credentialHeaders(key), undefined, 200],
      ['GET', '/api-keys?limit=2', credentialHeaders(key), undefined, 200],
      ['GET', `/api-keys/${id}`, credentialHeaders(key), undefined, 200],
      ['POST', `/api-keys/${id}/regenerate`, { ...credentialHeaders(key), ...json }, '{"grace_period_seconds":60}', 200],
      ['GET', '/usage', credentialHeaders(key), undefined, 200],
      ['POST', '/notifications', { ...credentialHeaders(key), ...json }, '{"channel":"email","to":"a@example.com","subject":"s","text":"t"}', 202],
      ['GET', '/ping', credentialHeaders(corrupt(key)), undefined, 401],
      ['GET', '/usage', credentialHeaders(server.keys.HERALD_READ_ONLY_API_KEY), undefined, 200],
      ['POST', '/api-keys', { ...credentialHeaders(server.keys.HERALD_READ_ONLY_API_KEY), ...json }, '{}', 403],
      ['GET', '/ping', credentialHeaders(server.keys.HERALD_INACTIVE_ACCOUNT_API_KEY), undefined, 403],
      ['GET', '/api-keys/key_AAAAAAAAAAAAAAAAAAAAAAAA', credentialHeaders(key), undefined, 404],
      ['DELETE', `/api-keys/${id}`, credentialHeaders(key), undefined, 204],
    ];
    expect(created.status, created.text).toBe(201);
    expect(created.header('sl-violations')).toBeUndefined();
    for (const [method, path, headers, body, status] of cases) {
      const res = await rawCall(prismOrigin, method, path, headers, body);
      expect(res.status, `${method} ${path}: ${res.text.slice(0, 500)}`).toBe(status);
      expect(res.header('sl-violations'), `${method} ${path}`).toBeUndefined();
    }
  });
});
