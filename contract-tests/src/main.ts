import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Exchange } from './http/http-client.ts';
import { Redactor, shapeRedactor } from './redact.ts';
import { EXIT, type RunResult, type StopNote } from './results.ts';
import { renderHar } from './report/har.ts';
import { renderHtml } from './report/html.ts';
import { renderJUnit } from './report/junit.ts';
import { renderSummary, resultLine } from './report/summary.ts';
import { ConfigError, resolveConfig, usage, type SuiteConfig } from './runner/config.ts';
import { runSuite } from './runner/run-suite.ts';
import { Contract } from './spec/contract.ts';
import { SpecError } from './spec/spec-document.ts';

const HEARTBEAT_MS = 5_000;
const SIGNAL_EXIT = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm } as const;

/**
 * The whole command: resolve the configuration, check the report paths, run the suite (with
 * progress on stderr, and SIGINT/SIGTERM stopping it cleanly), print the summary, write the
 * reports asked for, and only then print the `Result:` line — which always agrees with the exit
 * code (README, "Output and exit codes").
 */
export async function main(argv: string[]): Promise<number> {
  let request;
  try {
    request = resolveConfig(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`herald-contract: ${shapeRedactor.redact(error.message)}\n`);
      return EXIT.error;
    }
    throw error;
  }
  if (request.help || !request.config) {
    process.stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  const config = request.config;
  try {
    Contract.load(config.specPath);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    process.stderr.write(`herald-contract: ${error.message}\n`);
    return EXIT.error;
  }
  const unwritable = reportPaths(config).map(checkWritable).find((problem) => problem !== undefined);
  if (unwritable) {
    process.stderr.write(`herald-contract: ${unwritable} (checked before sending anything)\n`);
    return EXIT.error;
  }

  const stopper = new AbortController();
  let redactor: Redactor = shapeRedactor;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopper.signal.aborted) {
      process.stderr.write(`herald-contract: ${signal} again: exiting now, without cleanup (the keys this run created expire within the hour)\n`);
      process.exit(SIGNAL_EXIT[signal]);
    }
    process.stderr.write(`herald-contract: ${signal}: stopping — cancelling requests in flight, revoking the keys this run created (at most 10 s; ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again exits at once)\n`);
    stopper.abort({ cause: signal, message: `interrupted by ${signal}` } satisfies StopNote);
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);

  const exchanges: Exchange[] = [];
  let requests = 0;
  const started = performance.now();
  let current = 'preflight';
  let group = '';
  const say = (line: string) => {
    if (!config.quiet) process.stderr.write(`herald-contract: [${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
  };
  const heartbeat = setInterval(() => say(`still at "${current}", ${requests} requests so far`), HEARTBEAT_MS);
  heartbeat.unref();
  let result: RunResult;
  try {
    result = await runSuite(config, {
      signal: stopper.signal,
      onRedactor: (r) => { redactor = r; },
      onExchange: (exchange) => {
        requests++;
        if (config.har) exchanges.push(exchange);
      },
      onScenario: ({ name, group: next, index, total }) => {
        current = name;
        if (next !== group) {
          group = next;
          say(`${next} (scenario ${index + 1} of ${total}), ${requests} requests so far`);
        }
      },
    });
  } finally {
    clearInterval(heartbeat);
  }
  process.off('SIGINT', sigint);
  process.off('SIGTERM', sigterm);

  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(`${renderSummary(result, { color, detailsPerRule: config.verbose ? 20 : 3 })}\n`);
  for (const line of writeReports(result, config, () => renderHar(exchanges, redactor, result))) process.stdout.write(`${line}\n`);
  process.stdout.write(`${resultLine(result, color)}\n`);
  return result.exitCode;
}

function reportPaths(config: SuiteConfig): Array<{ what: string; path: string }> {
  const all: Array<{ what: string; path: string | undefined }> = [
    { what: 'JUnit', path: config.junit }, { what: 'HTML', path: config.html }, { what: 'JSON', path: config.json }, { what: 'HAR', path: config.har },
  ];
  return all.filter((entry): entry is { what: string; path: string } => entry.path !== undefined);
}

/** Whether a report can be written there: its folder made, the file opened for writing (and removed if it was not there). */
function checkWritable({ what, path }: { what: string; path: string }): string | undefined {
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path) && statSync(path).isDirectory()) return `cannot write the ${what} report to ${path}: it is a folder`;
    const existed = existsSync(path);
    closeSync(openSync(path, 'a'));
    if (!existed) unlinkSync(path);
    return undefined;
  } catch (error) {
    return `cannot write the ${what} report to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

function writeReports(result: RunResult, config: SuiteConfig, har: () => string): string[] {
  const lines: string[] = [];
  const write = (path: string | undefined, what: string, content: () => string) => {
    if (!path) return;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content());
      lines.push(`${what} report: ${path}`);
    } catch (error) {
      // The verdict stands; a report that cannot be written is a runner problem worth saying.
      lines.push(`Could not write the ${what} report to ${path}: ${(error as Error).message}`);
      if (result.exitCode === EXIT.ok) result.exitCode = EXIT.error;
    }
  };
  write(config.har, 'HAR', har);
  write(config.junit, 'JUnit', () => renderJUnit(result));
  write(config.html, 'HTML', () => renderHtml(result));
  write(config.json, 'JSON', () => `${shapeRedactor.redact(JSON.stringify(result, null, 2))}\n`);
  return lines;
}
