import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError, OPTIONS, resolveConfig, usage } from '../src/runner/config.ts';
import { parseEnvFile } from '../src/runner/env-file.ts';

const dirs: string[] = [];
function envFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
  dirs.push(dir);
  const file = join(dir, 'target.env');
  writeFileSync(file, text);
  return file;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('parseEnvFile', () => {
  test('reads NAME=value lines, skipping blanks and comments, tolerating export and quotes', () => {
    expect(parseEnvFile('# written by npm start\n\nA=1\nexport B = "two words"\nC=\'x=y\'\nD=\n')).toEqual({ A: '1', B: 'two words', C: 'x=y', D: '' });
  });

  test('names the line it cannot read', () => {
    expect(() => parseEnvFile('A=1\nnot a pair\n', 'f.env')).toThrow(/f\.env, line 2/);
  });
});

describe('resolveConfig', () => {
  test('flags override the env file, which overrides the environment', () => {
    const file = envFile('HERALD_BASE_URL=http://file.example/v1\nHERALD_API_KEY=file-key-000000\nHERALD_PROFILE=stateless\n');
    const { config } = resolveConfig(['--env-file', file, '--base-url', 'http://flag.example/v1'], {
      HERALD_BASE_URL: 'http://env.example/v1', HERALD_API_KEY: 'env-key-0000000', HERALD_MAX_BURST: '7',
    });
    expect(config).toMatchObject({ baseUrl: 'http://flag.example/v1', apiKey: 'file-key-000000', profile: 'stateless', maxBurst: 7 });
  });

  test('every option has a flag and, but for the env file itself, an environment variable', () => {
    for (const option of OPTIONS) {
      const value = ['integer', 'percent', 'seconds'].includes(option.kind) ? '3' : option.key === 'profile' ? 'stateless' : option.key.endsWith('Url') ? 'http://y.example' : option.kind === 'list' ? 'auth' : 'value';
      const { config } = resolveConfig(['--base-url', 'http://x.example/v1', '--api-key', 'k'.repeat(20)], option.env ? { [option.env]: value } : {});
      if (option.key !== 'baseUrl' && option.key !== 'apiKey' && option.kind !== 'flag') expect(config![option.key], option.flag).toBeDefined();
      expect(usage()).toContain(`--${option.flag}`);
    }
  });

  test('an empty variable counts as unset', () => {
    const { config } = resolveConfig(['--base-url', 'http://x.example/v1'], { HERALD_API_KEY: 'k'.repeat(20), HERALD_OTHER_ENV_API_KEY: '  ' });
    expect(config!.otherEnvApiKey).toBeUndefined();
  });

  test('defaults: full profile, a burst of at most 1000, nothing skipped', () => {
    const { config } = resolveConfig([], { HERALD_BASE_URL: 'http://x.example/v1/', HERALD_API_KEY: 'k'.repeat(20) });
    expect(config).toMatchObject({ profile: 'full', maxBurst: 1000, skip: [], verbose: false, baseUrl: 'http://x.example/v1' });
  });

  test.each([
    [[], {}, /No base URL/],
    [['--base-url', 'http://x.example/v1'], {}, /No API key/],
    [['--base-url', 'ftp://x.example/v1'], { HERALD_API_KEY: 'k' }, /http\(s\)/],
    [['--base-url', 'not a url'], { HERALD_API_KEY: 'k' }, /not a URL/],
    [['--base-url', 'http://x.example/v1', '--profile', 'partial'], { HERALD_API_KEY: 'k' }, /full or stateless/],
    [['--base-url', 'http://x.example/v1', '--max-burst', '0'], { HERALD_API_KEY: 'k' }, /positive integer/],
    [['--no-such-flag'], {}, /--help/],
    [['--env-file', '/nonexistent/file.env'], {}, /Cannot read --env-file/],
  ])('refuses %j with a message saying what to fix', (argv, env, message) => {
    expect(() => resolveConfig(argv as string[], env)).toThrow(ConfigError);
    expect(() => resolveConfig(argv as string[], env)).toThrow(message);
  });

  test('--help asks for the usage and nothing else', () => {
    expect(resolveConfig(['--help'], {})).toEqual({ help: true });
  });

  test('--skip takes rule ids and groups, comma-separated', () => {
    const { config } = resolveConfig(['--skip', 'throttle, lifecycle.expiry'], { HERALD_BASE_URL: 'http://x.example/v1', HERALD_API_KEY: 'k' });
    expect(config!.skip).toEqual(['throttle', 'lifecycle.expiry']);
  });
});
