// `npm run check:breaking -- BASE REVISION`: exit codes, the JSON and JUnit reports, YAML input,
// and the one-line answer (exit 2, never a stack trace) for everything that keeps it from running.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBreaking } from '../../breaking-change/cli-check.ts';
import { type CliIo, runCommand } from '../../breaking-change/cli-io.ts';
import { REPO_ROOT } from '../../generate/repo-root.ts';
import { clone, type Doc, operation } from './plant.ts';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-gate-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

async function planted(name: string, plant: (doc: Doc) => void, format: 'json' | 'yaml' = 'json'): Promise<string> {
  const doc = clone();
  plant(doc);
  return write(name, format === 'json' ? JSON.stringify(doc) : YAML.stringify(doc));
}

async function check(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (text) => (stdout += text), err: (text) => (stderr += text), cwd: dir, root: REPO_ROOT };
  const code = await runCommand('check:breaking', checkBreaking, argv, io);
  return { code, stdout, stderr };
}

const current = join(REPO_ROOT, 'generated/openapi.json');
const withoutUsageKey = (doc: Doc) => {
  const list = operation(doc, 'getUsage').security;
  list.splice(list.findIndex((alternative: Doc) => 'XApiKey' in alternative), 1);
  doc.servers.push({ url: 'https://ap.api.herald.example/v1' });
};

describe('check:breaking BASE REVISION', () => {
  it('exits 0 on the unchanged spec', async () => {
    const { code, stdout, stderr } = await check(current, current);
    expect(code).toBe(0);
    expect(stdout).toContain('0 breaking, 0 security, 0 compatible, 0 info.');
    expect(stderr).toBe('');
  });

  it('exits 0 on a compatible change and 1 on a breaking one', async () => {
    const revision = await planted('server-added.json', (doc) => doc.servers.push({ url: 'https://ap.api.herald.example/v1' }));
    expect((await check(current, revision)).code).toBe(0);
    const breaking = await planted('alternative-dropped.json', withoutUsageKey);
    const { code, stdout } = await check(current, breaking);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^BREAKING {3}auth\.alternative-removed {2}#\/paths\/~1usage\/get\/security$/m);
    expect(stdout).toMatch(/^COMPATIBLE server\.added/m);
  });

  it('reads YAML as well as JSON, with the same findings', async () => {
    const json = await planted('dropped.json', withoutUsageKey);
    const yaml = await planted('dropped.yaml', withoutUsageKey, 'yaml');
    const fromJson = JSON.parse((await check(current, json, '--json')).stdout);
    const fromYaml = JSON.parse((await check(current, yaml, '--json')).stdout);
    expect(fromYaml.findings).toEqual(fromJson.findings);
    expect(fromYaml.findings.length).toBeGreaterThan(0);
  });

  it('--json writes the findings with rule, severity, pointer, operations and why', async () => {
    const revision = await planted('json-case.json', withoutUsageKey);
    const { code, stdout } = await check(current, revision, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.exitCode).toBe(1);
    expect(report.summary).toEqual({ breaking: 1, security: 0, compatible: 1, info: 0 });
    expect(report.findings[0]).toMatchObject({
      rule: 'auth.alternative-removed',
      severity: 'breaking',
      pointer: '#/paths/~1usage/get/security',
      operations: [{ method: 'get', path: '/usage', operationId: 'getUsage' }],
    });
    expect(report.findings[0].why).toMatch(/refused \(401\)/);
  });

  it('--junit FILE writes one case per finding, breaking ones failed', async () => {
    const revision = await planted('junit-case.json', withoutUsageKey);
    const junit = join(dir, 'gate.xml');
    const { code } = await check(current, revision, '--junit', junit);
    expect(code).toBe(1);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(await readFile(junit, 'utf8'));
    const suite = xml.testsuites.testsuite;
    expect(suite.tests).toBe('3');
    expect(suite.failures).toBe('1');
    const [breaking, compatible, verdict] = suite.testcase;
    expect(breaking.name).toBe('auth.alternative-removed #/paths/~1usage/get/security');
    expect(breaking.failure.type).toBe('auth.alternative-removed');
    expect(compatible.failure).toBeUndefined();
    expect(verdict.name).toBe('verdict');
  });

  describe('exit 2 with one line when it cannot run', () => {
    const cases: [string, () => Promise<string[]>, RegExp][] = [
      ['a file that does not exist', async () => [current, join(dir, 'missing.json')], /missing\.json: cannot read it \(no such file\)$/],
      ['a folder', async () => [current, dir], /not a file$/],
      ['a file that is not JSON or YAML', async () => [current, await write('broken.yaml', 'paths: [1,\n  b: : :\n')], /not valid JSON or YAML/],
      ['JSON that is not OpenAPI', async () => [current, await write('not-openapi.json', '{"hello": "world"}')], /not an OpenAPI document/],
      ['a Swagger 2.0 document', async () => [current, await write('swagger.json', '{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}')], /Swagger 2\.0/],
      ['a $ref that leads nowhere', async () => [current, await planted('bad-ref.json', (doc) => (operation(doc, 'getUsage').responses['401'] = { $ref: '#/components/responses/Nowhere' }))], /bad \$ref at #\/paths\/~1usage\/get\/responses\/401/],
      ['a $ref to a missing file', async () => [current, await planted('bad-file-ref.json', (doc) => (operation(doc, 'getUsage').responses['401'] = { $ref: 'nowhere.yaml#/Unauthorized' }))], /bad \$ref .*nowhere\.yaml/],
      ['one file instead of two', async () => [current], /give both BASE and REVISION, or neither/],
      ['an unknown option', async () => [current, current, '--jsn'], /unknown option --jsn/],
      ['a JUnit file it cannot write', async () => [current, current, '--junit', join(dir, 'no', 'such', 'dir.xml')], /cannot write the JUnit report/],
    ];
    it.each(cases)('%s', async (_name, args, message) => {
      const { code, stdout, stderr } = await check(...(await args()));
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr.trimEnd()).toMatch(/^check:breaking: /);
      expect(stderr.trimEnd()).toMatch(message);
    });
  });

  it('as a program: exit codes and one-line errors, no stack trace', async () => {
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const cli = join(REPO_ROOT, 'scripts', 'breaking-change', 'cli-check.ts');
    const spawn = (...args: string[]) =>
      run(tsx, [cli, ...args], { cwd: REPO_ROOT }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
    await mkdir(join(dir, 'program'), { recursive: true });
    const breaking = await planted('program/breaking.json', withoutUsageKey);
    const [missing, failing] = await Promise.all([spawn(current, join(dir, 'missing.json')), spawn(current, breaking, '--json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout).summary.breaking).toBe(1);
  });
});
