import { describe, expect, test } from 'vitest';
import { renderHtml } from '../src/report/html.ts';
import { renderJUnit } from '../src/report/junit.ts';
import { renderSummary, resultLine } from '../src/report/summary.ts';
import { emptyLedger, EXIT, type LedgerData } from '../src/results.ts';
import { ruleIds } from '../src/rule-catalogue.ts';
import { aggregate } from '../src/runner/aggregate.ts';
import type { ScenarioOutcome } from '../src/runner/run-scenarios.ts';
import { parseDreddSummary } from '../dredd/run.ts';

const config = { baseUrl: 'http://target.example/v1', profile: 'full' as const, skip: [] };
const SECRET = 'hk_test_0123456789abcdefghijABCDEFGHIJ0A1b2C';

function scenario(name: string, patch: Partial<LedgerData>, extra: Partial<ScenarioOutcome> = {}): ScenarioOutcome {
  return { name, file: 'rules/x.rules.ts', state: 'passed', ledger: { ...emptyLedger(), rules: ['auth.missing-key'], ...patch }, crashes: [], durationMs: 1, ...extra };
}

describe('aggregate', () => {
  test('a run where every check held exits 0; rules nothing checked are skipped with a reason', () => {
    const result = aggregate([scenario('a', { passes: { 'auth.missing-key': 3 } })], [], config, { startedAt: new Date(), durationMs: 10 });
    expect(result.exitCode).toBe(EXIT.ok);
    expect(result.rules.find((r) => r.id === 'auth.missing-key')).toMatchObject({ status: 'pass', checks: 3 });
    const untouched = result.rules.find((r) => r.id === 'quotas.exceeded')!;
    expect(untouched.status).toBe('skip');
    expect(untouched.skipReasons).toEqual(['nothing in this run exercised it']);
    expect(result.rules.map((r) => r.id)).toEqual(expect.arrayContaining(ruleIds()));
  });

  test('a failed check is a failure (exit 1), counted with the passes of its rule', () => {
    const failure = { rule: 'auth.missing-key', message: 'expected 401 missing_api_key, got 403' };
    const result = aggregate([scenario('a', { passes: { 'auth.missing-key': 2 }, failures: [failure], droppedFailures: { 'auth.missing-key': 4 } }, { state: 'failed' })], [], config, { startedAt: new Date(), durationMs: 10 });
    expect(result.exitCode).toBe(EXIT.failed);
    expect(result.rules.find((r) => r.id === 'auth.missing-key')).toMatchObject({ status: 'fail', checks: 7, failed: 5, failures: [failure] });
    expect(result.totals).toMatchObject({ checks: 7, failedChecks: 5 });
  });

  test('a crash of the runner is an error (exit 2), but failures of the target beside it win (exit 1)', () => {
    const failing = scenario('a', { failures: [{ rule: 'auth.missing-key', message: 'x' }] }, { state: 'failed' });
    const crashed = scenario('b', { rules: ['lifecycle.expiry'] }, { state: 'failed', crashes: ['TypeError: boom'] });
    const result = aggregate([failing, crashed], [], config, { startedAt: new Date(), durationMs: 10 });
    expect(result.exitCode).toBe(EXIT.failed);
    expect(aggregate([crashed], [], config, { startedAt: new Date(), durationMs: 10 }).exitCode).toBe(EXIT.error);
    expect(result.rules.find((r) => r.id === 'lifecycle.expiry')).toMatchObject({ status: 'error', errors: ['b: TypeError: boom'] });
    expect(aggregate([], ['Cannot reach the target'], config, { startedAt: new Date(), durationMs: 1 }).exitCode).toBe(EXIT.error);
  });

  test('request ids are checked for distinctness across every scenario of the run', () => {
    const result = aggregate([scenario('a', { requestIds: ['req_1', 'req_2'] }), scenario('b', { requestIds: ['req_2'] })], [], config, { startedAt: new Date(), durationMs: 1 });
    expect(result.rules.find((r) => r.id === 'request-id.distinct')).toMatchObject({ status: 'fail', passed: 2, failed: 1 });
  });

  test('skip reasons are kept, once each', () => {
    const skip = { rule: 'isolation.environments', reason: 'HERALD_OTHER_ENV_API_KEY is not set' };
    const result = aggregate([scenario('a', { skips: [skip] }), scenario('b', { skips: [skip] })], [], config, { startedAt: new Date(), durationMs: 1 });
    expect(result.rules.find((r) => r.id === 'isolation.environments')).toMatchObject({ status: 'skip', skipReasons: [skip.reason] });
  });

  test('in the stateless profile, rules a stateless mock cannot honour are skipped as such', () => {
    const result = aggregate([], [], { ...config, profile: 'stateless' }, { startedAt: new Date(), durationMs: 1 });
    expect(result.rules.find((r) => r.id === 'lifecycle.revoke')!.skipReasons).toEqual(['not part of the stateless profile']);
  });
});

describe('reports', () => {
  const failing = aggregate([scenario('no credential', {
    failures: [{
      rule: 'auth.missing-key',
      scenario: 'ping: no credential',
      message: `expected 401 <missing_api_key> & "no" key, got 200 for ${SECRET}`,
      exchange: {
        request: { method: 'GET', url: 'http://target.example/v1/ping', headers: [['X-API-Key', SECRET]] },
        response: { status: 200, headers: { 'content-type': 'application/json' }, body: `{"key":"${SECRET}","ctl":"\u0001"}` },
      },
    }],
  }, { state: 'failed' })], [], config, { startedAt: new Date('2026-11-24T10:00:00Z'), durationMs: 1234 });

  test('the summary groups by rule and shows the failure with its request and response', () => {
    const text = renderSummary(failing);
    expect(text).toMatch(/auth\n[\s\S]*✗ FAIL\s+auth\.missing-key/);
    expect(text).toContain('→ GET http://target.example/v1/ping');
    expect(text).toContain('← 200');
    expect(resultLine(failing)).toContain('Result: FAIL');
    expect(text).not.toContain(SECRET);
  });

  test('JUnit XML has a failure for the broken rule, skips with reasons, escaped text and no secret', () => {
    const xml = renderJUnit(failing);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toMatch(/<testcase classname="herald.auth" name="auth.missing-key" time="[\d.]+">\s*<failure message="[^"]*&lt;missing_api_key&gt; &amp; &quot;no&quot;/);
    expect(xml).toMatch(/<skipped message="nothing in this run exercised it"\/>/);
    expect(xml).not.toContain('\u0001');
    expect(xml).not.toContain(SECRET);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(failing.rules.length);
  });

  test('the HTML report is self-contained, escaped and free of secrets', () => {
    const html = renderHtml(failing);
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).not.toMatch(/<script|<link|src=|href="(?!#)/);
    expect(html).toContain('href="#auth.missing-key"');
    expect(html).toContain('&lt;missing_api_key&gt;');
    expect(html).not.toContain(SECRET);
  });
});

describe('dredd output', () => {
  test("parseDreddSummary reads dredd's closing line, colours and all", () => {
    expect(parseDreddSummary('\x1b[32mcomplete\x1b[39m: 63 passing, 1 failing, 0 errors, 10 skipped, 74 total\n')).toEqual({ passing: 63, failing: 1, errors: 0, skipped: 10, transactions: 74 });
    expect(parseDreddSummary('error: could not start')).toBeUndefined();
  });
});

describe('the README', () => {
  test('lists every rule of the catalogue, and no other', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const listed = [...readme.matchAll(/^\| `([a-z-]+\.[a-z0-9-]+)` \| .* \| (full|full, stateless) \|$/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...ruleIds()].sort());
  });
});
