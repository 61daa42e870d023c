// What generate publishes besides samples, examples and the 3.0 document: the bundle (JSON and
// YAML, lint-clean), types that a bare `npx openapi-typescript` reproduces from redocly.yaml, and
// a docs page with nothing to fetch.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { DOCS_FILE, HEAD_ADDITIONS, withHeadAdditions, withoutRemoteLogo } from '../generate/docs.ts';
import { listOperations, type JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_JSON, BUNDLE_YAML } from '../generate/pipeline.ts';
import { runRedocly } from '../generate/redocly.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';

const run = promisify(execFile);
const text = (file: string) => readFile(join(REPO_ROOT, file), 'utf8');
const spec = JSON.parse(await text(BUNDLE_JSON)) as JsonObject;

describe('generated/openapi.json and .yaml', () => {
  it('are the same document', async () => {
    expect(YAML.parse(await text(BUNDLE_YAML))).toEqual(spec);
  });

  it('is OpenAPI 3.1 with an x-codeSamples list on every operation', () => {
    expect(spec.openapi).toMatch(/^3\.1\./);
    const operations = listOperations(spec);
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) expect(operation.object['x-codeSamples'], operation.operationId).toHaveLength(3);
  });

  it('describes its servers in plain text (Redoc shows server descriptions as text, not Markdown)', () => {
    const servers = spec.servers as { description: string; variables?: Record<string, { description?: string }> }[];
    for (const server of servers) {
      expect(server.description).not.toMatch(/[`*[\]<>]/);
      for (const variable of Object.values(server.variables ?? {})) expect(variable.description).toBeUndefined();
    }
  });

  it('passes redocly lint with the rules of redocly.yaml, x-codeSamples included', async () => {
    const { stdout } = await runRedocly(['lint', BUNDLE_JSON, '--format', 'json'], REPO_ROOT);
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});

describe('generated/types/openapi.d.ts', () => {
  it('is what `npx openapi-typescript --empty-objects-unknown --default-non-nullable=false` writes from redocly.yaml (x-openapi-ts)', async () => {
    const cli = join(createRequire(import.meta.url).resolve('openapi-typescript/package.json'), '..', 'bin', 'cli.js');
    // --check compares with the file named in x-openapi-ts.output and exits 1 if they differ.
    const result = await run(process.execPath, [cli, '--empty-objects-unknown', '--default-non-nullable=false', '--check'], { cwd: REPO_ROOT })
      .then(() => 0, (error) => error.code as number);
    expect(result).toBe(0);
  });
});

describe('docs/index.html', () => {
  it('loads no script, style, image or font from anywhere else', async () => {
    const html = await text(DOCS_FILE);
    expect(html).not.toMatch(/<(script|img|iframe)[^>]+src=["']?https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']?https?:/i);
    expect(html).not.toMatch(/url\(["']?https?:/i);
    expect(html).not.toContain('cdn.redoc.ly');
    expect(html).toContain('"disableTelemetry":true');
  });

  it('declares an inline icon and wrapping code samples in its own head, once', async () => {
    const html = await text(DOCS_FILE);
    expect(html.split(HEAD_ADDITIONS)).toHaveLength(2);
    expect(html.indexOf(HEAD_ADDITIONS)).toBeLessThan(html.indexOf('<body'));
    const page = '<!DOCTYPE html>\n<html>\n<head>\n<title>x</title>\n</head>\n<body>script("</head>")</body>';
    expect(withHeadAdditions(page)).toBe(page.replace('</head>\n<body>', `${HEAD_ADDITIONS}</head>\n<body>`));
    expect(() => withHeadAdditions('<html><body>no head</body>')).toThrow(/build-docs changed its template/);
  });

  it('swaps the two CDN logo URLs for an inline image, and stops if Redoc moves them', () => {
    const page = 'src:e?`https://cdn.redoc.ly/redoc/logo-mini-full.svg`:`https://cdn.redoc.ly/redoc/logo-mini.svg`';
    const local = withoutRemoteLogo(page);
    expect(local).not.toContain('https://');
    expect(local.match(/data:image\/svg\+xml,/g)).toHaveLength(2);
    expect(() => withoutRemoteLogo('no logo here')).toThrow(/found it 0 times/);
    expect(() => withoutRemoteLogo(page + page)).toThrow(/found it 2 times/);
  });
});
