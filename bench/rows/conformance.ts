import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTsxScript, type TimedRun } from '../lib/command.ts';
import { atLeast, atMost, formatCount, formatRatio, formatSeconds, infoRow, judgedRow, type Row } from '../lib/report.ts';
import { startReferenceServer } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import { median } from '../lib/stats.ts';
import { writeEnvFile } from '../../mock/src/testing.ts';

// Row 4: Herald's conformance suite (`npm run contract`) beside dredd (`npm run dredd`), both
// against the reference server as `npm start` runs it (default limits: the suite tests them).
// Each run gets a fresh server, so neither tool inherits the other's rate-limit windows or
// failed-auth count; the tools alternate (dredd, suite, suite, dredd, …) so drift hits both.
// Wall time is from spawn to exit of the command the npm script runs.

const TARGETS = { checks: atLeast(10), wallTime: atMost(3) };

interface SuiteRun extends TimedRun {
  checks: number;
  failedChecks: number;
  requests: number;
}
interface DreddRun extends TimedRun {
  transactions: number;
  passing: number;
  skipped: number;
  failing: number;
}

async function withServer<T>(run: (envFile: string, reportFile: string) => Promise<T>): Promise<T> {
  const server = await startReferenceServer('defaults');
  const folder = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  try {
    const envFile = join(folder, 'herald.env');
    writeEnvFile(envFile, server.env);
    return await run(envFile, join(folder, 'report.json'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await server.stop();
  }
}

function runSuite(): Promise<SuiteRun> {
  return withServer(async (envFile, report) => {
    const run = await runTsxScript('contract-tests/src/cli.ts', ['--env-file', envFile, '--json', report]);
    if (run.exitCode !== 0) throw new Error(`the suite exited with ${run.exitCode} against the reference server:\n${run.tail}`);
    const { totals } = JSON.parse(readFileSync(report, 'utf8')) as { totals: { checks: number; failedChecks: number; requests: number } };
    return { ...run, checks: totals.checks, failedChecks: totals.failedChecks, requests: totals.requests };
  });
}

function runDredd(): Promise<DreddRun> {
  return withServer(async (envFile, report) => {
    const run = await runTsxScript('contract-tests/dredd/run.ts', ['--env-file', envFile, '--json', report]);
    if (run.exitCode !== 0) throw new Error(`dredd exited with ${run.exitCode} against the reference server:\n${run.tail}`);
    const summary = JSON.parse(readFileSync(report, 'utf8')) as { transactions: number; passing: number; skipped: number; failing: number };
    return { ...run, ...summary };
  });
}

export async function measureConformance(settings: Settings): Promise<Row[]> {
  const suites: SuiteRun[] = [];
  const dredds: DreddRun[] = [];
  for (let i = 0; i < settings.toolRuns; i++) {
    if (i % 2 === 0) {
      dredds.push(await runDredd());
      suites.push(await runSuite());
    } else {
      suites.push(await runSuite());
      dredds.push(await runDredd());
    }
  }
  const suiteWall = median(suites.map((r) => r.wallMs));
  const dreddWall = median(dredds.map((r) => r.wallMs));
  const suite = suites[0];
  const dredd = dredds[0];
  const checksRatio = suite.checks / dredd.transactions;
  const wallRatio = suiteWall / dreddWall;
  const runs = `${settings.toolRuns} alternating run${settings.toolRuns > 1 ? 's' : ''} each, fresh server per run`;
  return [
    infoRow({
      group: 4,
      id: 'conformance.dredd',
      name: 'dredd 14 (npm run dredd)',
      figure: `${formatSeconds(dreddWall)} wall · ${dredd.transactions} transactions (${dredd.passing} passing, ${dredd.skipped} skipped)`,
      values: { wallMs: Math.round(dreddWall), transactions: dredd.transactions, passing: dredd.passing, skipped: dredd.skipped },
      method: `median wall time, spawn to exit; ${runs}`,
    }),
    infoRow({
      group: 4,
      id: 'conformance.suite',
      name: 'Herald suite (npm run contract)',
      figure: `${formatSeconds(suiteWall)} wall · ${formatCount(suite.checks)} checks over ${formatCount(suite.requests)} requests`,
      values: { wallMs: Math.round(suiteWall), checks: suite.checks, requests: suite.requests, failedChecks: suite.failedChecks },
      method: `median wall time, spawn to exit; ${runs}`,
    }),
    judgedRow({
      group: 4,
      id: 'conformance.checks-vs-dredd',
      name: '  suite checks ÷ dredd transactions',
      figure: `${formatCount(suite.checks)} ÷ ${dredd.transactions}`,
      values: { ratio: checksRatio },
      method: "the suite's JSON report totals; dredd's summary line",
      ratio: checksRatio,
      comparedWith: '÷ dredd',
      target: TARGETS.checks,
    }),
    judgedRow({
      group: 4,
      id: 'conformance.wall-vs-dredd',
      name: '  suite wall time ÷ dredd wall time',
      figure: `${formatSeconds(suiteWall)} ÷ ${formatSeconds(dreddWall)} (${formatRatio(wallRatio)})`,
      values: { ratio: wallRatio },
      method: `medians of ${runs}`,
      ratio: wallRatio,
      comparedWith: '÷ dredd',
      target: TARGETS.wallTime,
    }),
  ];
}
