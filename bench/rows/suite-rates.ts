import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTsxScript } from '../lib/command.ts';
import { formatCount, formatSeconds, infoRow, judgedRow, type Row, type Target } from '../lib/report.ts';
import { startReferenceServer } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import { median } from '../lib/stats.ts';
import { writeEnvFile } from '../../mock/src/testing.ts';

// Row 4 (continued): the conformance suite's own pace (issue 13) — a full run against the
// reference server as `npm start` runs it (default limits, every optional variable), its checks
// per second, and its schema-derived cases per second (the input rules' cases over the time of
// their scenarios). Both targets are absolute rates, as the issue states them; the machine is
// shared, so read them beside the suite ÷ dredd ratio of the same run.

const CHECKS_PER_SECOND: Target = { kind: 'ratio-at-least', value: 10_000, text: '≥ 10,000 checks/s' };
const CASES_PER_SECOND: Target = { kind: 'ratio-at-least', value: 1_000, text: '≥ 1,000 cases/s' };

interface SuiteTotals {
  wallMs: number;
  durationMs: number;
  checks: number;
  requests: number;
  cases: number;
  fuzzMs: number;
  coverage: number;
}

async function fullRun(settings: Settings): Promise<SuiteTotals> {
  const server = await startReferenceServer('defaults');
  const folder = mkdtempSync(join(tmpdir(), 'herald-bench-suite-'));
  try {
    const envFile = join(folder, 'herald.env');
    const report = join(folder, 'report.json');
    writeEnvFile(envFile, server.env);
    // The tiny run (the smoke test) only proves the row works: the input rules alone, one case each.
    const tiny = settings.mode === 'tiny' ? ['--only', 'input', '--fuzz-runs', '1'] : [];
    const run = await runTsxScript('contract-tests/src/cli.ts', ['--env-file', envFile, '--json', report, '--quiet', ...tiny]);
    if (run.exitCode !== 0) throw new Error(`the suite exited with ${run.exitCode} against the reference server:\n${run.tail}`);
    const result = JSON.parse(readFileSync(report, 'utf8')) as {
      durationMs: number;
      totals: { checks: number; requests: number };
      fuzz?: { cases: number; durationMs: number };
      coverage?: { percent: number };
    };
    return {
      wallMs: run.wallMs,
      durationMs: result.durationMs,
      checks: result.totals.checks,
      requests: result.totals.requests,
      cases: result.fuzz?.cases ?? 0,
      fuzzMs: result.fuzz?.durationMs ?? 0,
      coverage: result.coverage?.percent ?? 0,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await server.stop();
  }
}

export async function measureSuiteRates(settings: Settings): Promise<Row[]> {
  const runs: SuiteTotals[] = [];
  for (let i = 0; i < settings.toolRuns; i++) runs.push(await fullRun(settings));
  const wall = median(runs.map((r) => r.wallMs));
  const duration = median(runs.map((r) => r.durationMs));
  const checksPerSecond = median(runs.map((r) => r.checks / (r.durationMs / 1000)));
  const casesPerSecond = median(runs.map((r) => (r.fuzzMs > 0 ? r.cases / (r.fuzzMs / 1000) : 0)));
  const first = runs[0];
  const method = `median of ${settings.toolRuns} full run${settings.toolRuns > 1 ? 's' : ''} (default --fuzz-runs), fresh server each, from the JSON report`;
  return [
    infoRow({
      group: 4,
      id: 'conformance.suite-full-run',
      name: 'Herald suite, full run with schema-derived input',
      figure: `${formatSeconds(wall)} wall (${formatSeconds(duration)} in the suite) · ${formatCount(first.checks)} checks, ${formatCount(first.requests)} requests, ${formatCount(first.cases)} schema-derived cases, coverage ${first.coverage} %`,
      values: { wallMs: Math.round(wall), durationMs: Math.round(duration), checks: first.checks, requests: first.requests, cases: first.cases, coveragePercent: first.coverage },
      method,
    }),
    judgedRow({
      group: 4,
      id: 'conformance.suite-checks-per-second',
      name: '  suite checks per second',
      figure: `${formatCount(Math.round(checksPerSecond))} checks/s`,
      values: { checksPerSecond: Math.round(checksPerSecond) },
      method: `${method}; checks ÷ the suite's own duration`,
      ratio: checksPerSecond,
      comparedWith: null,
      target: CHECKS_PER_SECOND,
    }),
    judgedRow({
      group: 4,
      id: 'conformance.suite-cases-per-second',
      name: '  schema-derived cases per second',
      figure: `${formatCount(Math.round(casesPerSecond))} cases/s`,
      values: { casesPerSecond: Math.round(casesPerSecond) },
      method: `${method}; cases ÷ the time of the input rules' scenarios (each case sent, judged, its response checked)`,
      ratio: casesPerSecond,
      comparedWith: null,
      target: CASES_PER_SECOND,
    }),
  ];
}
