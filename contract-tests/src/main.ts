import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { shapeRedactor } from './redact.ts';
import { EXIT, type RunResult } from './results.ts';
import { renderHtml } from './report/html.ts';
import { renderJUnit } from './report/junit.ts';
import { renderSummary } from './report/summary.ts';
import { ConfigError, resolveConfig, usage } from './runner/config.ts';
import { runSuite } from './runner/run-suite.ts';
import { Contract } from './spec/contract.ts';
import { SpecError } from './spec/spec-document.ts';

/**
 * The whole command: resolve the configuration, run the suite, print the
 * summary, write the reports asked for, exit 0 (pass), 1 (the target broke a rule) or 2 (the
 * runner could not run).
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
  const result = await runSuite(config);
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(`${renderSummary(result, { color, detailsPerRule: config.verbose ? 20 : 3 })}\n`);
  const written = writeReports(result, config);
  for (const line of written) process.stdout.write(`${line}\n`);
  return result.exitCode;
}

function writeReports(result: RunResult, config: { junit?: string; html?: string; json?: string }): string[] {
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
      result.exitCode = EXIT.error;
    }
  };
  write(config.junit, 'JUnit', () => renderJUnit(result));
  write(config.html, 'HTML', () => renderHtml(result));
  write(config.json, 'JSON', () => `${shapeRedactor.redact(JSON.stringify(result, null, 2))}\n`);
  return lines;
}

