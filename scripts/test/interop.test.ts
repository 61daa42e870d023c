// The interop check can fail: fed the spec as it was before issue 14 (a parameter and a schema
// both named KeyId, a schema named PingResult, a `const`-only discriminator, ApiKey first among
// the security alternatives, one Idempotency-Key example shared by every POST) each tool reports
// what its users saw. `npm run interop` shows the real spec passes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { validateAgainstOfficialSchema } from '../interop/official-schema.ts';
import { importIntoPostman } from '../interop/postman-import.ts';
import { runInterop } from '../interop/run.ts';

type Json = Record<string, any>;
const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as Json;

/** The bundle with the names generators made collide before: parameter KeyId, schema PingResult. */
function collidingNames(): Json {
  const text = JSON.stringify(spec)
    .replaceAll('#/components/parameters/KeyIdPath"', '#/components/parameters/KeyId"')
    .replaceAll('#/components/schemas/KeyCheck"', '#/components/schemas/PingResult"');
  const broken = JSON.parse(text) as Json;
  broken.components.parameters.KeyId = broken.components.parameters.KeyIdPath;
  delete broken.components.parameters.KeyIdPath;
  broken.components.schemas.PingResult = broken.components.schemas.KeyCheck;
  delete broken.components.schemas.KeyCheck;
  // Discriminators spelled with `const` alone, as 3.1 allows.
  for (const name of ['EmailNotificationRequest', 'WebhookNotificationRequest']) delete broken.components.schemas[name].properties.channel.enum;
  return broken;
}

describe('interop check', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('fails each generator on the names and the discriminator that broke it', async () => {
    // Under reports/, so the generated code resolves this repository's node_modules.
    const workDir = await mkdtemp(join(REPO_ROOT, 'reports', 'interop-proof-'));
    dirs.push(workDir);
    const specFile = join(workDir, 'openapi.json');
    await writeFile(specFile, JSON.stringify(collidingNames()));
    const results = await runInterop({ spec31: specFile, workDir: join(workDir, 'out') });
    const detail = (prefix: string) => results.filter((r) => r.name.startsWith(prefix)).map((r) => `${r.passed} ${r.detail}`).join('\n');

    expect(detail('orval')).toMatch(/^false[\s\S]*orval\/axios\.ts.*TS2300: Duplicate identifier 'PingResult'/);
    expect(detail('openapi-typescript-codegen')).toMatch(/^false[\s\S]*TS2300: Duplicate identifier 'KeyId'/);
    expect(detail('openapi-zod-client output imported')).toMatch(/^false[\s\S]*discriminator value for key `channel` could not be extracted/);
    // The official schema has nothing against any of it: the names are valid OpenAPI.
    expect(results.find((r) => r.name.startsWith('official'))?.passed).toBe(true);
  }, 180_000);

  it('fails the Postman import on ApiKey first and a shared Idempotency-Key example', async () => {
    const broken = structuredClone(spec);
    const apiKeyFirst = (list: Json[]) => [...list].sort((a, b) => Number('AuthorizationApiKey' in b) - Number('AuthorizationApiKey' in a));
    broken.security = apiKeyFirst(broken.security);
    for (const item of Object.values(broken.paths) as Json[]) {
      for (const operation of Object.values(item) as Json[]) {
        if (operation.security) operation.security = apiKeyFirst(operation.security);
        for (const parameter of operation.parameters ?? []) if (parameter.name === 'Idempotency-Key') parameter.example = 'one-for-all';
      }
    }
    const verdict = await importIntoPostman(broken);
    expect(verdict.auth).toBe('Authorization: {{apiKey}}');
    expect(verdict.problems).toEqual([
      expect.stringMatching(/authenticates with Authorization: \{\{apiKey\}\}/),
      expect.stringMatching(/^Create an API key, Regenerate an API key, Send a notification(, [^:]+)? send the same Idempotency-Key one-for-all/),
    ]);
    expect(await importIntoPostman(spec)).toEqual({ auth: 'Authorization: Bearer {{bearerToken}}', problems: [] });
  }, 60_000);

  it('fails the official schema on a document that is not OpenAPI', async () => {
    const broken = structuredClone(spec);
    delete broken.info.title;
    const verdict = await validateAgainstOfficialSchema(broken);
    expect(verdict.schemaId).toMatch(/^https:\/\/spec\.openapis\.org\/oas\/3\.1\/schema\//);
    expect(verdict.errors.join('\n')).toMatch(/\/info must have required property 'title'/);
  });
});
