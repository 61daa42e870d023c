// generated/examples.ts makes tsc reject an example that drifts from its schema. Proved by
// breaking examples of a copy of the bundle and compiling the check against the real types.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES_FILE, examplesCheckSource } from '../generate/examples-check.ts';
import type { JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { TYPES_FILE } from '../generate/types.ts';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as JsonObject;
const examples = (document: JsonObject) => (document.components as JsonObject).examples as Record<string, { value: any }>;

/** Compiles an examples.ts next to the committed types; returns the error lines (empty if it compiles). */
async function compile(dir: string, source: string): Promise<string[]> {
  await mkdir(join(dir, 'types'), { recursive: true });
  await writeFile(join(dir, 'types', 'openapi.d.ts'), await readFile(join(REPO_ROOT, TYPES_FILE)));
  await writeFile(join(dir, 'examples.ts'), source);
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', allowImportingTsExtensions: true,
      strict: true, noEmit: true, skipLibCheck: true, types: [],
    },
    files: ['examples.ts'],
  }));
  const result = await run(process.execPath, [tsc, '-p', dir]).then(() => '', (error) => String(error.stdout));
  return result.split('\n').filter((line) => line.includes('error TS'));
}

/** The name of the exported const whose initializer spans the given 1-based line. */
function constAt(source: string, line: number): string | undefined {
  const lines = source.split('\n');
  for (let i = line - 1; i >= 0; i--) {
    const match = /^export const (\w+)/.exec(lines[i]);
    if (match) return match[1];
  }
  return undefined;
}

describe('generated/examples.ts', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-examples-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('is what the bundle gives', async () => {
    expect(examplesCheckSource(spec)).toBe(await readFile(join(REPO_ROOT, EXAMPLES_FILE), 'utf8'));
  });

  it('compiles for the real examples, and fails on each example broken four ways', async () => {
    expect(await compile(await tempDir(), examplesCheckSource(spec))).toEqual([]);

    const broken = structuredClone(spec);
    examples(broken).ApiKey.value.data.status = 'paused'; // not in the enum
    delete examples(broken).PingResult.value.data.key.prefix; // a required field missing
    examples(broken).CreateApiKeyRequest.value.colour = 'red'; // a field the schema does not allow
    // A parameter an operation writes itself: an idempotency key that is not a string.
    const send = ((broken.paths as JsonObject)['/notifications'] as JsonObject).post as { parameters: { name: string; example: unknown }[] };
    send.parameters.find((parameter) => parameter.name === 'Idempotency-Key')!.example = 42;
    const source = examplesCheckSource(broken);
    const errors = await compile(await tempDir(), source);

    const failing = new Set(errors.map((error) => constAt(source, Number(/\((\d+),\d+\)/.exec(error)?.[1]))));
    expect(failing).toEqual(new Set([
      'getApiKey_200_fullAccess',
      'ping_200_developmentKey',
      'createApiKey_request_readOnlyDashboardKey',
      'sendNotification_parameter_Idempotency_Key',
    ]));
  });

  it('refuses to leave an example it cannot place unchecked', () => {
    const extended = structuredClone(spec);
    // A parameter written in the path item (not in an operation) is one place it does not cover.
    const ping = (extended.paths as JsonObject)['/ping'] as JsonObject;
    ping.parameters = [{ name: 'verbose', in: 'query', schema: { type: 'boolean' }, example: true }];
    expect(() => examplesCheckSource(extended)).toThrow(/Examples the type check does not cover:\s+#\/paths\/~1ping\/parameters\/0\/example/);
  });
});
