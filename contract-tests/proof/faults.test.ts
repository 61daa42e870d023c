import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { startReferenceServer } from '../../mock/src/testing.ts';
import { ruleGroup } from '../src/rule-catalogue.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { FAULTS } from './faults.ts';
import { failedRules, REPO_ROOT, runContract } from './run-process.ts';

/**
 * The proof that the suite catches broken implementations: for each fault, a fresh reference
 * server behind a proxy that injects it, the whole suite run against the proxy, and the rule
 * the fault breaks among those the suite reports failed.
 */
const caught: Array<{ fault: string; breaks: string; expected: string[]; failed: string[]; exitCode: number }> = [];

// The bullets of "What it checks", by the rule groups that check them.
const BULLETS: Record<string, string[]> = {
  'every response': ['responses', 'errors'],
  'auth matrix': ['auth', 'secrets'],
  'key lifecycle': ['lifecycle', 'isolation'],
  'scopes and accounts': ['scopes', 'accounts'],
  'rate limits': ['rate-limit'],
  quotas: ['quotas'],
  idempotency: ['idempotency'],
  'request ids': ['request-id'],
  'input derived from the schemas': ['input'],
  'leaked-key reports': ['leaks'],
  'key-lifecycle webhooks': ['webhooks'],
};

describe('the fault catalogue', () => {
  test('has at least 20 distinct faults and one for every bullet of what the suite checks', () => {
    expect(new Set(FAULTS.map((f) => f.name)).size).toBe(FAULTS.length);
    expect(FAULTS.length).toBeGreaterThanOrEqual(20);
    // Issue 13: at least eight faults whose only fault is in input handling, caught by the input rules.
    expect(FAULTS.filter((f) => f.caughtBy.every((rule) => ruleGroup(rule) === 'input')).length).toBeGreaterThanOrEqual(8);
    for (const [bullet, groups] of Object.entries(BULLETS)) {
      const covering = FAULTS.filter((f) => f.caughtBy.some((rule) => groups.includes(ruleGroup(rule))));
      expect(covering.length, `no fault for "${bullet}"`).toBeGreaterThan(0);
    }
  });
});

describe.concurrent('the suite fails against each broken implementation and names the rule', () => {
  for (const fault of FAULTS) {
    test(`${fault.name}: ${fault.breaks}`, async () => {
      const server = await startReferenceServer({ logLevel: 'silent' });
      const proxy = await startFaultProxy(server.origin, fault, {
        ...server.keys,
        HERALD_REPORTER_KEY_IDENTIFIER: server.env.HERALD_REPORTER_KEY_IDENTIFIER,
        HERALD_REPORTER_PRIVATE_KEY: server.env.HERALD_REPORTER_PRIVATE_KEY,
      });
      // Faults outside input handling run without the schema-derived input (its own thirteen
      // faults prove it), which keeps the proof as quick as it was before it.
      const run = await runContract(fault.args ?? ['--fuzz-runs', '0'], { ...server.env, HERALD_BASE_URL: `${proxy.origin}${new URL(server.baseUrl).pathname}` });
      try {
        const failed = failedRules(run.result);
        caught.push({ fault: fault.name, breaks: fault.breaks, expected: fault.caughtBy, failed, exitCode: run.code });
        expect(run.result, run.stderr || run.stdout).toBeDefined();
        expect(run.code, `exit code (1 = the target broke a rule)\n${run.stdout.slice(-3000)}`).toBe(1);
        expect(failed.filter((rule) => fault.caughtBy.includes(rule)), `expected one of ${fault.caughtBy.join(', ')} among the failed rules ${failed.join(', ')}`).not.toEqual([]);
      } finally {
        run.cleanup();
        await proxy.close();
        await server.close();
      }
    });
  }
});

afterAll(() => {
  // A record of what caught what, for the README and the closing note (reports/ is not committed).
  const dir = join(REPO_ROOT, 'reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'contract-proof.json'), `${JSON.stringify({ tried: FAULTS.length, caught: caught.filter((c) => c.exitCode === 1 && c.failed.some((r) => c.expected.includes(r))).length, faults: caught }, null, 2)}\n`);
});
