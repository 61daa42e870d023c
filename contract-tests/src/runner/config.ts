import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ruleGroup, ruleIds } from '../rule-catalogue.ts';
import { ConfigError, readEnvFile } from './env-file.ts';

export { ConfigError } from './env-file.ts';

export type Profile = 'full' | 'stateless';

/** The resolved configuration of one run. Keys are secrets: never print this object. */
export interface SuiteConfig {
  baseUrl: string;
  apiKey: string;
  otherEnvApiKey?: string;
  readOnlyApiKey?: string;
  inactiveAccountApiKey?: string;
  nearQuotaApiKey?: string;
  testClockUrl?: string;
  statsUrl?: string;
  profile: Profile;
  maxBurst: number;
  timeoutMs: number;
  junit?: string;
  html?: string;
  json?: string;
  specPath?: string;
  /** Rule ids or groups (`auth`, `lifecycle.expiry`) to leave out, reported as skipped. */
  skip: string[];
  /** Rule ids or groups to check, leaving out every other one (empty: all). */
  only: string[];
  verbose: boolean;
  /** A rule skipped for a reason other than --skip, --only or the profile fails the run (exit 3). */
  failOnSkip: boolean;
  /** Percent of causable coverage cells a run must exercise (exit 3 below it); undefined: no floor. */
  minCoverage?: number;
  /** Limit of the whole run in ms (0: none). */
  maxTimeMs: number;
  /** Seed of the schema-derived input (printed; the same seed draws the same cases). */
  seed: number;
  /** Random schema-derived cases per operation and per broken constraint. */
  fuzzRuns: number;
  /** Write every exchange, redacted, as HAR 1.2. */
  har?: string;
  /** No progress lines on stderr. */
  quiet: boolean;
  /** The host or address the target can reach the suite's webhook receiver at (default 127.0.0.1). */
  callbackHost: string;
  /** The port of the receiver (0: any free one). */
  callbackPort: number;
  /** A leaked-key reporter the target trusts: its key identifier and its PKCS#8 private key (base64 DER or PEM). */
  reporterKeyIdentifier?: string;
  reporterPrivateKey?: string;
}

/** Every key the configuration holds (the secrets a run must keep out of what it prints). */
export function configuredKeys(config: SuiteConfig): Array<string | undefined> {
  return [config.apiKey, config.otherEnvApiKey, config.readOnlyApiKey, config.inactiveAccountApiKey, config.nearQuotaApiKey];
}

/** The variable of each of `configuredKeys`, in the same order (reproduction commands name them). */
export const CONFIGURED_KEY_VARIABLES = ['HERALD_API_KEY', 'HERALD_OTHER_ENV_API_KEY', 'HERALD_READ_ONLY_API_KEY', 'HERALD_INACTIVE_ACCOUNT_API_KEY', 'HERALD_NEAR_QUOTA_API_KEY'] as const;

export const DEFAULT_FUZZ_RUNS = 8;
export const DEFAULT_MAX_TIME_SECONDS = 1200;

type Kind = 'string' | 'secret' | 'integer' | 'profile' | 'list' | 'flag' | 'percent' | 'seconds';

interface OptionDefinition {
  key: keyof SuiteConfig;
  flag: string;
  env?: string;
  kind: Kind;
  help: string;
}

/**
 * Every option, with its flag and environment variable. Optional scenarios each have one switch:
 * the variable that provides what they need (a second environment's key, an inactive account's
 * key, …). Left unset, the scenario is reported as skipped with that reason.
 */
export const OPTIONS: OptionDefinition[] = [
  { key: 'baseUrl', flag: 'base-url', env: 'HERALD_BASE_URL', kind: 'string', help: 'Base URL of the deployment, ending in /v1 (required)' },
  { key: 'apiKey', flag: 'api-key', env: 'HERALD_API_KEY', kind: 'secret', help: 'Full-access key of a non-production environment; the suite creates and revokes its own keys with it (required)' },
  { key: 'otherEnvApiKey', flag: 'other-env-api-key', env: 'HERALD_OTHER_ENV_API_KEY', kind: 'secret', help: 'Key of another environment of the same account: enables isolation.environments' },
  { key: 'readOnlyApiKey', flag: 'read-only-api-key', env: 'HERALD_READ_ONLY_API_KEY', kind: 'secret', help: 'Key holding only read scopes: enables scopes.read-only-key' },
  { key: 'inactiveAccountApiKey', flag: 'inactive-account-api-key', env: 'HERALD_INACTIVE_ACCOUNT_API_KEY', kind: 'secret', help: 'Key of an inactive account: enables accounts.inactive' },
  { key: 'nearQuotaApiKey', flag: 'near-quota-api-key', env: 'HERALD_NEAR_QUOTA_API_KEY', kind: 'secret', help: 'Key of an account close to its monthly quota: enables quotas.exceeded' },
  { key: 'testClockUrl', flag: 'test-clock-url', env: 'HERALD_TEST_CLOCK_URL', kind: 'string', help: 'Test clock of the deployment: time travel for grace periods and expiry, and enables throttle.failed-auth' },
  { key: 'statsUrl', flag: 'stats-url', env: 'HERALD_STATS_URL', kind: 'string', help: "Read-only counters of the deployment (the reference server's /_herald/stats): enables auth.malformed-key-no-lookup and auth.unknown-key-no-state" },
  { key: 'callbackHost', flag: 'callback-host', env: 'HERALD_CALLBACK_HOST', kind: 'string', help: "Host or address at which the target can reach the suite's webhook receiver (like Schemathesis' callback host); default 127.0.0.1" },
  { key: 'callbackPort', flag: 'callback-port', env: 'HERALD_CALLBACK_PORT', kind: 'integer', help: 'Port of the webhook receiver; default: any free one' },
  { key: 'reporterKeyIdentifier', flag: 'reporter-key-identifier', env: 'HERALD_REPORTER_KEY_IDENTIFIER', kind: 'string', help: 'Key identifier of a leaked-key reporter the target trusts: with --reporter-private-key, enables the leaks rules' },
  { key: 'reporterPrivateKey', flag: 'reporter-private-key', env: 'HERALD_REPORTER_PRIVATE_KEY', kind: 'secret', help: "That reporter's ECDSA P-256 private key (PKCS#8, base64 DER or PEM): the suite signs reports with it" },
  { key: 'profile', flag: 'profile', env: 'HERALD_PROFILE', kind: 'profile', help: 'full (default) or stateless (only what a stateless mock honours)' },
  { key: 'maxBurst', flag: 'max-burst', env: 'HERALD_MAX_BURST', kind: 'integer', help: 'Most requests a single burst may send (rate limit, quota, throttle); default 1000' },
  { key: 'timeoutMs', flag: 'timeout', env: 'HERALD_TIMEOUT_MS', kind: 'integer', help: 'Deadline of each whole exchange (headers and body) in ms; an overrun fails responses.answered; default 10000' },
  { key: 'maxTimeMs', flag: 'max-time', env: 'HERALD_MAX_TIME', kind: 'seconds', help: 'Limit of the whole run in seconds (0: none); reached, the run stops, cleans up and exits 4 (1 if something failed); default 1200' },
  { key: 'seed', flag: 'seed', env: 'HERALD_SEED', kind: 'integer', help: 'Seed of the schema-derived input (printed in every run; the same seed draws the same cases); default: random' },
  { key: 'fuzzRuns', flag: 'fuzz-runs', env: 'HERALD_FUZZ_RUNS', kind: 'integer', help: `Random schema-derived cases per operation and per broken constraint, besides each bound's edges; 0 leaves them out; default ${DEFAULT_FUZZ_RUNS}` },
  { key: 'minCoverage', flag: 'min-coverage', env: 'HERALD_MIN_COVERAGE', kind: 'percent', help: 'Fail (exit 3) when fewer than P % of the causable coverage cells were exercised' },
  { key: 'junit', flag: 'junit', env: 'HERALD_JUNIT', kind: 'string', help: 'Write a JUnit XML report to FILE' },
  { key: 'html', flag: 'html', env: 'HERALD_HTML', kind: 'string', help: 'Write a self-contained HTML report to FILE' },
  { key: 'json', flag: 'json', env: 'HERALD_JSON', kind: 'string', help: 'Write the results as JSON to FILE' },
  { key: 'har', flag: 'har', env: 'HERALD_HAR', kind: 'string', help: 'Write every exchange, redacted, as HAR 1.2 to FILE (for browser and proxy tools)' },
  { key: 'specPath', flag: 'spec', env: 'HERALD_SPEC', kind: 'string', help: 'Bundled OpenAPI 3.1 document to derive the checks from; default: the one shipped with the suite' },
  { key: 'skip', flag: 'skip', env: 'HERALD_SKIP', kind: 'list', help: 'Comma-separated rule ids or groups to leave out (reported as skipped)' },
  { key: 'only', flag: 'only', env: 'HERALD_ONLY', kind: 'list', help: 'Comma-separated rule ids or groups to check, leaving out every other one' },
  { key: 'failOnSkip', flag: 'fail-on-skip', env: 'HERALD_FAIL_ON_SKIP', kind: 'flag', help: 'Exit 3 when a rule was skipped for want of configuration (not by --skip, --only or the profile)' },
  { key: 'verbose', flag: 'verbose', env: 'HERALD_VERBOSE', kind: 'flag', help: 'Show up to 20 failures per rule instead of 3' },
  { key: 'quiet', flag: 'quiet', env: 'HERALD_QUIET', kind: 'flag', help: 'No progress lines on stderr' },
];

export interface CliRequest {
  help: boolean;
  config?: SuiteConfig;
}

/**
 * Resolves the configuration. Precedence: flags, then the `--env-file` the user named, then the
 * process environment — a file named on the command line is a more deliberate choice than a
 * variable left over in a shell.
 */
export function resolveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): CliRequest {
  const parseOptions: Record<string, { type: 'string' | 'boolean' }> = { 'env-file': { type: 'string' }, help: { type: 'boolean' } };
  for (const option of OPTIONS) parseOptions[option.flag] = { type: option.kind === 'flag' ? 'boolean' : 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: parseOptions, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run with --help for the options.`);
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  if (flags.help) return { help: true };

  const file = typeof flags['env-file'] === 'string' ? readEnvFile(flags['env-file']) : {};
  const raw: Partial<Record<keyof SuiteConfig, string | boolean>> = {};
  for (const option of OPTIONS) {
    const fromFlag = flags[option.flag];
    const fromFile = option.env ? file[option.env] : undefined;
    const fromEnv = option.env ? env[option.env] : undefined;
    const value = fromFlag ?? nonEmpty(fromFile) ?? nonEmpty(fromEnv);
    if (value !== undefined) raw[option.key] = value;
  }
  return { help: false, config: validate(raw) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function validate(raw: Partial<Record<keyof SuiteConfig, string | boolean>>): SuiteConfig {
  const text = (key: keyof SuiteConfig) => (typeof raw[key] === 'string' ? (raw[key] as string).trim() : undefined);
  const baseUrl = text('baseUrl');
  if (!baseUrl) throw new ConfigError('No base URL: pass --base-url URL, set HERALD_BASE_URL, or give an --env-file that sets it.');
  const apiKey = text('apiKey');
  if (!apiKey) throw new ConfigError('No API key: set HERALD_API_KEY (a full-access key of a non-production environment), or give an --env-file that sets it.');
  const profile = (text('profile') ?? 'full') as Profile;
  if (profile !== 'full' && profile !== 'stateless') throw new ConfigError(`--profile must be full or stateless, not ${profile}`);
  const flag = (key: keyof SuiteConfig) => raw[key] === true || ['1', 'true', 'yes'].includes(String(raw[key] ?? '').toLowerCase());
  const skip = ruleList(text('skip'), '--skip / HERALD_SKIP');
  const only = ruleList(text('only'), '--only / HERALD_ONLY');
  const minCoverage = text('minCoverage');
  if (minCoverage !== undefined && !(/^\d+(\.\d+)?$/.test(minCoverage) && Number(minCoverage) <= 100)) {
    throw new ConfigError(`--min-coverage / HERALD_MIN_COVERAGE must be a percentage from 0 to 100, not ${minCoverage}`);
  }
  const seed = text('seed');
  if (seed !== undefined && !(/^\d{1,10}$/.test(seed) && Number(seed) <= 0xffffffff)) throw new ConfigError(`--seed / HERALD_SEED must be a whole number from 0 to 4294967295, not ${seed}`);
  return {
    baseUrl: checkUrl(baseUrl, '--base-url / HERALD_BASE_URL').replace(/\/+$/, ''),
    apiKey,
    otherEnvApiKey: text('otherEnvApiKey'),
    readOnlyApiKey: text('readOnlyApiKey'),
    inactiveAccountApiKey: text('inactiveAccountApiKey'),
    nearQuotaApiKey: text('nearQuotaApiKey'),
    testClockUrl: text('testClockUrl') ? checkUrl(text('testClockUrl')!, '--test-clock-url / HERALD_TEST_CLOCK_URL') : undefined,
    statsUrl: text('statsUrl') ? checkUrl(text('statsUrl')!, '--stats-url / HERALD_STATS_URL') : undefined,
    profile,
    maxBurst: positiveInteger(text('maxBurst'), 1000, '--max-burst / HERALD_MAX_BURST'),
    timeoutMs: positiveInteger(text('timeoutMs'), 10_000, '--timeout / HERALD_TIMEOUT_MS'),
    junit: text('junit'),
    html: text('html'),
    json: text('json'),
    specPath: text('specPath'),
    skip,
    only,
    verbose: flag('verbose'),
    failOnSkip: flag('failOnSkip'),
    quiet: flag('quiet'),
    minCoverage: minCoverage === undefined ? undefined : Number(minCoverage),
    maxTimeMs: nonNegativeInteger(text('maxTimeMs'), DEFAULT_MAX_TIME_SECONDS, '--max-time / HERALD_MAX_TIME') * 1000,
    seed: seed === undefined ? randomInt(0x7fffffff) : Number(seed),
    fuzzRuns: nonNegativeInteger(text('fuzzRuns'), DEFAULT_FUZZ_RUNS, '--fuzz-runs / HERALD_FUZZ_RUNS'),
    har: text('har'),
    callbackHost: text('callbackHost') ?? '127.0.0.1',
    callbackPort: nonNegativeInteger(text('callbackPort'), 0, '--callback-port / HERALD_CALLBACK_PORT'),
    reporterKeyIdentifier: text('reporterKeyIdentifier'),
    reporterPrivateKey: text('reporterPrivateKey'),
  };
}

/**
 * Rule ids or groups, comma-separated; one the catalogue does not know is refused with the list
 * of valid ones (a typo must not silently check everything, or nothing).
 */
function ruleList(value: string | undefined, what: string): string[] {
  const items = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const ids = ruleIds();
  const groups = [...new Set(ids.map(ruleGroup))];
  const unknown = items.filter((item) => !ids.includes(item as never) && !groups.includes(item));
  if (unknown.length > 0) {
    throw new ConfigError(`${what}: no rule or group ${unknown.map((u) => JSON.stringify(u)).join(', ')}. Groups: ${groups.join(', ')}. Rules: ${ids.join(', ')}`);
  }
  return items;
}

function nonNegativeInteger(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(`${what} must be a whole number ≥ 0, not ${value}`);
  return Number(value);
}

function checkUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${what} must be an http(s) URL, not ${url.protocol}`);
  return value;
}

function positiveInteger(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new ConfigError(`${what} must be a positive integer, not ${value}`);
  return Number(value);
}

export function usage(): string {
  const lines = [
    'Usage: npx herald-contract --base-url URL [options]      (the key in HERALD_API_KEY)',
    '       npx herald-contract --env-file FILE [options]',
    '',
    'Checks a Herald deployment against the Herald v1 contract (the bundled spec it ships with;',
    '--spec names another). Flags override the --env-file, which overrides the environment.',
    '',
    '  --env-file FILE                    NAME=value file (as `npx herald-mock --env-out FILE` writes)',
  ];
  for (const option of OPTIONS) {
    const arg = option.kind === 'flag' ? '' : option.kind === 'secret' ? ' KEY' : option.kind === 'integer' ? ' N' : option.kind === 'percent' ? ' P' : option.kind === 'seconds' ? ' S' : option.key === 'profile' ? ' NAME' : option.kind === 'list' ? ' IDS' : option.key.endsWith('Url') ? ' URL' : ' FILE';
    const left = `  --${option.flag}${arg}`.padEnd(37);
    lines.push(`${left}${option.help}${option.env ? ` [${option.env}]` : ''}`);
  }
  lines.push(
    '',
    'Exit codes:',
    '  0    every rule checked passed (or was skipped with a reason)',
    '  1    fail: the target broke at least one rule (also when the run was cut short after that)',
    '  2    error: the runner could not run (configuration, unreachable target, a key refused, a report',
    '       path it cannot write, another herald-contract run in progress against the target)',
    '  3    incomplete: coverage below --min-coverage, or a rule skipped under --fail-on-skip',
    '  4    stopped: --max-time was reached before every rule ran (nothing had failed)',
    '  130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM: keys revoked, reports written and marked',
  );
  return lines.join('\n');
}
