import { parseArgs } from 'node:util';
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
  verbose: boolean;
}

/** Every key the configuration holds (the secrets a run must keep out of what it prints). */
export function configuredKeys(config: SuiteConfig): Array<string | undefined> {
  return [config.apiKey, config.otherEnvApiKey, config.readOnlyApiKey, config.inactiveAccountApiKey, config.nearQuotaApiKey];
}

type Kind = 'string' | 'secret' | 'integer' | 'profile' | 'list' | 'flag';

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
  { key: 'profile', flag: 'profile', env: 'HERALD_PROFILE', kind: 'profile', help: 'full (default) or stateless (only what a stateless mock honours)' },
  { key: 'maxBurst', flag: 'max-burst', env: 'HERALD_MAX_BURST', kind: 'integer', help: 'Most requests a single burst may send (rate limit, quota, throttle); default 1000' },
  { key: 'timeoutMs', flag: 'timeout', env: 'HERALD_TIMEOUT_MS', kind: 'integer', help: 'Milliseconds to wait for each response; default 10000' },
  { key: 'junit', flag: 'junit', env: 'HERALD_JUNIT', kind: 'string', help: 'Write a JUnit XML report to FILE' },
  { key: 'html', flag: 'html', env: 'HERALD_HTML', kind: 'string', help: 'Write a self-contained HTML report to FILE' },
  { key: 'json', flag: 'json', env: 'HERALD_JSON', kind: 'string', help: 'Write the results as JSON to FILE' },
  { key: 'specPath', flag: 'spec', env: 'HERALD_SPEC', kind: 'string', help: 'Bundled OpenAPI 3.1 document to derive the checks from; default: the one shipped with the suite' },
  { key: 'skip', flag: 'skip', env: 'HERALD_SKIP', kind: 'list', help: 'Comma-separated rule ids or groups to leave out (reported as skipped)' },
  { key: 'verbose', flag: 'verbose', env: 'HERALD_VERBOSE', kind: 'flag', help: 'List every rule, not only failures and skips' },
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
  const verbose = raw.verbose === true || ['1', 'true', 'yes'].includes(String(raw.verbose ?? '').toLowerCase());
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
    skip: (text('skip') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    verbose,
  };
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
    const arg = option.kind === 'flag' ? '' : option.kind === 'secret' ? ' KEY' : option.kind === 'integer' ? ' N' : option.key === 'profile' ? ' NAME' : option.key === 'skip' ? ' IDS' : option.key.endsWith('Url') ? ' URL' : ' FILE';
    const left = `  --${option.flag}${arg}`.padEnd(37);
    lines.push(`${left}${option.help}${option.env ? ` [${option.env}]` : ''}`);
  }
  lines.push('', 'Exit codes: 0 every rule passed or was skipped; 1 the target broke a rule; 2 the runner could not run (bad configuration, unreachable target, crash).');
  return lines.join('\n');
}
