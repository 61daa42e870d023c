import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redactor } from '../src/redact.ts';
import { ConfigError, configuredKeys, resolveConfig, usage } from '../src/runner/config.ts';

/**
 * `npm run dredd -- --base-url URL [--env-file FILE] [--json FILE]`: dredd 14 on the
 * down-converted 3.0 bundle, with hooks.cjs making every documented response real. Takes the
 * same configuration as the suite (flags, --env-file, environment), hands the keys to the hooks
 * through the environment (never the command line), and redacts them from dredd's output.
 */
const SPEC_3_0 = fileURLToPath(new URL('../../generated/openapi-3.0.json', import.meta.url));
const HOOKS = fileURLToPath(new URL('./hooks.cjs', import.meta.url));

export interface DreddSummary {
  transactions: number;
  passing: number;
  failing: number;
  errors: number;
  skipped: number;
  durationMs: number;
  exitCode: number;
}

/** Reads dredd's closing line: `complete: 63 passing, 0 failing, 0 errors, 10 skipped, 73 total`. */
export function parseDreddSummary(output: string): Omit<DreddSummary, 'durationMs' | 'exitCode'> | undefined {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const match = /complete: (\d+) passing, (\d+) failing, (\d+) errors, (\d+) skipped, (\d+) total/.exec(plain);
  if (!match) return undefined;
  const [passing, failing, errors, skipped, transactions] = match.slice(1).map(Number);
  return { transactions, passing, failing, errors, skipped };
}

async function main(argv: string[]): Promise<number> {
  let config;
  try {
    const request = resolveConfig(argv);
    if (request.help || !request.config) {
      process.stdout.write(`${usage().replace('herald-contract', 'npm run dredd --')}\n`);
      return 0;
    }
    config = request.config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dredd runner: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const redactor = new Redactor(configuredKeys(config));
  const dredd = createRequire(import.meta.url).resolve('dredd/bin/dredd');
  const env: NodeJS.ProcessEnv = { ...process.env, HERALD_BASE_URL: config.baseUrl, HERALD_API_KEY: config.apiKey, HERALD_MAX_BURST: String(config.maxBurst) };
  for (const [name, value] of [['HERALD_INACTIVE_ACCOUNT_API_KEY', config.inactiveAccountApiKey], ['HERALD_TEST_CLOCK_URL', config.testClockUrl], ['HERALD_REPORTER_KEY_IDENTIFIER', config.reporterKeyIdentifier], ['HERALD_REPORTER_PRIVATE_KEY', config.reporterPrivateKey]] as const) {
    if (value) env[name] = value;
    else delete env[name];
  }
  const started = performance.now();
  const child = spawn(process.execPath, [dredd, SPEC_3_0, config.baseUrl, '--hookfiles', HOOKS, '--loglevel', 'warning'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // dredd prints each failing request with its headers: every line goes through the redactor.
  const relay = (stream: NodeJS.ReadableStream, to: NodeJS.WriteStream) => createInterface({ input: stream }).on('line', (line) => {
    // The parser's warnings about keys OpenAPI 3.0 tooling does not know are noise here.
    if (line.includes('API description parser warning')) return;
    const safe = redactor.redact(line);
    output += `${safe}\n`;
    to.write(`${safe}\n`);
  });
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  const exitCode: number = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 2)));
  const durationMs = Math.round(performance.now() - started);
  const parsed = parseDreddSummary(output);
  const summary: DreddSummary = { transactions: 0, passing: 0, failing: 0, errors: 0, skipped: 0, ...parsed, durationMs, exitCode: parsed ? exitCode : 2 };
  process.stdout.write(parsed
    ? `dredd: ${summary.transactions} transactions (${summary.passing} passing, ${summary.failing} failing, ${summary.errors} errors, ${summary.skipped} skipped) in ${(durationMs / 1000).toFixed(1)} s\n`
    : 'dredd did not complete (no summary line); see its output above\n');
  if (config.json) {
    mkdirSync(dirname(config.json), { recursive: true });
    writeFileSync(config.json, `${JSON.stringify(summary, null, 2)}\n`);
  }
  return summary.exitCode;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`dredd runner crashed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  });
}
