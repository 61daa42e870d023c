import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createLeakAudit } from '../../mock/src/leak-audit.ts';
import { startReferenceServer } from '../../mock/src/testing.ts';
import { auditSecretLeaks, recordedSecrets } from '../audit-secret-leaks.ts';

// The whole-run secret audit can fail: a server's own audit records what it issues and logs,
// the audit finds nothing in an honest log, and finds a secret planted in a log or a report,
// whole or cut from its public prefix — and the command form runs a command with the audit on.

const run = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SCRIPT = new URL('../audit-secret-leaks.ts', import.meta.url).pathname;
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-audit-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the secret audit', () => {
  it('records what a server issues, finds nothing in its honest log, and catches a planted secret', async () => {
    const dir = freshDir();
    const server = await startReferenceServer({ logLevel: 'debug', server: { leakAudit: createLeakAudit(dir) } });
    let created: string;
    try {
      const response = await fetch(`${server.baseUrl}/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.keys.HERALD_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'audited' }),
      });
      created = ((await response.json()) as { data: { secret: string } }).data.secret;
      // The key where a careless client would put it: in the URL, plain and percent-encoded.
      await fetch(`${server.baseUrl}/ping?api_key=${created}&again=${encodeURIComponent(created.replace(/_/g, '%5F'))}`, { headers: { 'x-api-key': created } });
    } finally {
      await server.close();
    }
    const secrets = recordedSecrets(dir);
    expect(secrets).toContain(created);
    expect(secrets).toEqual(expect.arrayContaining(Object.values(server.keys)));
    expect(readdirSync(join(dir, 'logs')).length).toBe(1);

    const honest = auditSecretLeaks(dir, [dir]);
    expect(honest).toMatchObject({ secrets: secrets.length, files: 1, hits: [] });

    mkdirSync(join(dir, 'reports', 'run-1'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'planted.log'), `{"msg":"oops","key":"${created}"}\n`);
    writeFileSync(join(dir, 'reports', 'run-1', 'junit.xml'), `<failure>key ${created.slice(12)} seen</failure>`);
    writeFileSync(join(dir, 'reports', 'run-1', 'summary.txt'), `only the public prefix ${created.slice(0, 16)}…[REDACTED]`);
    const planted = auditSecretLeaks(dir, [dir]);
    expect(planted.files).toBe(4);
    expect(planted.hits.map((h) => h.file.slice(dir.length)).sort()).toEqual(['/logs/planted.log', '/reports/run-1/junit.xml']);
    expect(planted.hits.every((h) => h.prefix === created.slice(0, 16))).toBe(true);
  });

  it('as a command: runs the command with the audit on, then fails on a leak and passes without', async () => {
    // A stand-in for a test run: it records a secret where servers do, and logs it or not.
    const child = (leak: boolean) => `
      const { mkdirSync, writeFileSync } = require('node:fs');
      const dir = process.env.HERALD_LEAK_AUDIT_DIR;
      mkdirSync(dir + '/issued-secrets', { recursive: true }); mkdirSync(dir + '/logs', { recursive: true });
      const secret = 'hk_test_' + 'Q'.repeat(30) + 'AbCdEf';
      writeFileSync(dir + '/issued-secrets/1.txt', secret + '\\n');
      writeFileSync(dir + '/logs/1.log', ${leak ? "'{\"url\":\"/v1/ping?k=' + secret + '\"}\\n'" : "'{\"url\":\"/v1/ping?k=[redacted]\"}\\n'"});`;
    const clean = await run(process.execPath, [TSX, SCRIPT, '--dir', freshDir(), '--', process.execPath, '-e', child(false)]);
    expect(clean.stdout).toMatch(/1 secrets issued during the run, \d+ files scanned .*, 0 secrets found/);
    const leaky = await run(process.execPath, [TSX, SCRIPT, '--dir', freshDir(), '--', process.execPath, '-e', child(true)]).then(
      () => { throw new Error('the audit passed a run that logged a secret'); },
      (error: { code: number; stdout: string }) => error,
    );
    expect(leaky.code).toBe(1);
    expect(leaky.stdout).toContain('1 secrets found');
    expect(leaky.stdout).toContain('LEAK: hk_test_QQQQQQQQ…');
    expect(leaky.stdout).not.toContain('Q'.repeat(20));
  });

  it('fails a run in which no server recorded anything (the audit would prove nothing)', async () => {
    const outcome = await run(process.execPath, [TSX, SCRIPT, '--dir', freshDir(), '--', process.execPath, '-e', '0']).then(() => 0, (error: { code: number }) => error.code);
    expect(outcome).toBe(1);
  });
});
