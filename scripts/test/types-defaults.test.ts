// generated/types/openapi.d.ts agrees with the spec on optional fields that have a `default`:
// `grace_period_seconds` (default 0) may be left out, so regenerating with `body: {}` compiles,
// through the raw `paths` types and through openapi-fetch. The same snippet is compiled against
// types made with openapi-typescript's default (`defaultNonNullable: true`) to show it would not.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { OPENAPI_TYPESCRIPT_OPTIONS, TYPES_FILE } from '../generate/types.ts';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const SNIPPET = `import createClient from 'openapi-fetch';
import type { paths } from './openapi.d.ts';

type RegenerateBody = NonNullable<paths['/api-keys/{key_id}/regenerate']['post']['requestBody']>['content']['application/json'];
export const empty: RegenerateBody = {};
export const withGrace: RegenerateBody = { grace_period_seconds: 1800 };

const herald = createClient<paths>({ baseUrl: 'http://localhost:4010/v1' });
export const call = () => herald.POST('/api-keys/{key_id}/regenerate', {
  params: { path: { key_id: 'key_3xQm7RcV9pLk2NwT8sHa4YdE' } },
  body: {},
});
`;

/** Compiles the snippet beside the given types, in a folder under the repository (for openapi-fetch). */
async function compileWith(types: string, dirs: string[]): Promise<string[]> {
  const dir = await mkdtemp(join(REPO_ROOT, 'reports', 'types-defaults-'));
  dirs.push(dir);
  await writeFile(join(dir, 'openapi.d.ts'), types);
  await writeFile(join(dir, 'snippet.ts'), SNIPPET);
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', allowImportingTsExtensions: true,
      strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['ES2022', 'DOM'],
    },
    files: ['snippet.ts'],
  }));
  const output = await run(process.execPath, [tsc, '-p', dir]).then(() => '', (error) => String(error.stdout));
  return output.split('\n').filter((line) => line.includes('error TS'));
}

describe('optional fields with a default, in the openapi-typescript types', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('let a regenerate send body: {}', async () => {
    expect(await compileWith(await readFile(join(REPO_ROOT, TYPES_FILE), 'utf8'), dirs)).toEqual([]);
  }, 60_000);

  it('would not with openapi-typescript default defaultNonNullable: true', async () => {
    expect(OPENAPI_TYPESCRIPT_OPTIONS.defaultNonNullable).toBe(false);
    const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as OpenAPI3;
    const ast = await openapiTS(spec, { ...OPENAPI_TYPESCRIPT_OPTIONS, defaultNonNullable: true, silent: true });
    const errors = await compileWith(`${COMMENT_HEADER}${astToString(ast)}`, dirs);
    expect(errors.join('\n')).toMatch(/Property 'grace_period_seconds' is missing/);
  }, 60_000);
});
