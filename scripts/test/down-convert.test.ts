// generated/openapi-3.0.json is valid OpenAPI 3.0 and keeps what dredd relies on: every `const`
// became a one-value `enum`, every "X or null" became X with `nullable: true`, and the examples
// are still there.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertValidOpenApi30, downConvert } from '../generate/down-convert.ts';
import { isObject, resolve, type JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_30_JSON, BUNDLE_JSON } from '../generate/pipeline.ts';
import { runRedocly } from '../generate/redocly.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { forEachSchema } from '../generate/schema-walk.ts';
import { jsonText } from '../generate/write-files.ts';

const read = async (file: string) => JSON.parse(await readFile(join(REPO_ROOT, file), 'utf8')) as JsonObject;
const spec31 = await read(BUNDLE_JSON);
const spec30 = await read(BUNDLE_30_JSON);

/** Every schema of a document by JSON pointer. */
function schemasByPointer(document: JsonObject): Map<string, JsonObject> {
  const schemas = new Map<string, JsonObject>();
  forEachSchema(document, (schema, pointer) => schemas.set(pointer, schema));
  return schemas;
}

const isNullAlternative = (schema: unknown) => isObject(schema) && schema.type === 'null';

describe('generated/openapi-3.0.json', () => {
  const before = schemasByPointer(spec31);
  const after = schemasByPointer(spec30);

  it('is the bundle, down-converted (same operations, same components)', () => {
    expect(spec30.openapi).toBe('3.0.3');
    expect(Object.keys(spec30.paths as JsonObject)).toEqual(Object.keys(spec31.paths as JsonObject));
    expect(Object.keys((spec30.components as JsonObject).schemas as JsonObject))
      .toEqual(Object.keys((spec31.components as JsonObject).schemas as JsonObject));
    expect(() => assertValidOpenApi30(spec30)).not.toThrow();
  });

  it('turns every const into a one-value enum', () => {
    const consts = [...before].filter(([, schema]) => 'const' in schema);
    expect(consts.length).toBeGreaterThan(0);
    for (const [pointer, schema] of consts) {
      expect(after.get(pointer)?.enum, pointer).toEqual([schema.const]);
      expect(after.get(pointer), pointer).not.toHaveProperty('const');
    }
  });

  it("turns every `oneOf: [X, {type: 'null'}]` into X with nullable: true", () => {
    const nullable = [...before].filter(([, schema]) => Array.isArray(schema.oneOf) && schema.oneOf.some(isNullAlternative));
    expect(nullable.length).toBeGreaterThan(0);
    for (const [pointer, schema] of nullable) {
      const target = resolve(spec30, (schema.oneOf as unknown[]).find((s) => !isNullAlternative(s)));
      const converted = after.get(pointer)!;
      expect(converted.nullable, pointer).toBe(true);
      expect(converted.type, pointer).toBe(target.type);
      expect(converted, pointer).not.toHaveProperty('oneOf');
      if (schema.description) expect(converted.description).toBe(schema.description);
    }
    for (const [pointer, schema] of after) expect(schema.type, pointer).not.toBe('null');
  });

  it('keeps every example: media-type examples as they are, schema examples as `example`', () => {
    for (const [pointer, schema] of before) {
      if (Array.isArray(schema.examples)) expect(after.get(pointer)?.example, pointer).toEqual(schema.examples[0]);
    }
    const mediaExamples = (document: JsonObject) =>
      JSON.stringify((document.components as JsonObject).examples) + JSON.stringify((document.components as JsonObject).responses);
    expect(mediaExamples(spec30)).toBe(mediaExamples(spec31));
  });

  it('passes redocly lint as OpenAPI 3.0 (unused components aside: a nullable use is a copy)', async () => {
    const { stdout } = await runRedocly(['lint', BUNDLE_30_JSON, '--skip-rule', 'no-unused-components', '--format', 'json'], REPO_ROOT);
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('is read by dredd with one transaction per documented response and no schema complaint', async () => {
    const require = createRequire(import.meta.url);
    const { parse, compile } = require('dredd-transactions');
    const source = await readFile(join(REPO_ROOT, BUNDLE_30_JSON), 'utf8');
    const compiled = await new Promise<{ transactions: unknown[]; annotations: { type: string; message: string }[] }>(
      (done, fail) => parse(source, (error: Error | null, result: { mediaType: string; apiElements: unknown }) =>
        error ? fail(error) : done(compile(result.mediaType, result.apiElements, BUNDLE_30_JSON))));
    const responses = Object.values(spec30.paths as JsonObject).flatMap((item) =>
      Object.values(item as JsonObject).filter(isObject).flatMap((op) => Object.keys((op.responses ?? {}) as JsonObject)));
    expect(compiled.transactions).toHaveLength(responses.length);
    expect(compiled.annotations.filter((a) => a.type === 'error')).toEqual([]);
    expect(compiled.annotations.map((a) => a.message).filter((m) => /'type'|nullable|Info Object/.test(m))).toEqual([]);
  });

  it('refuses a schema it cannot write in 3.0 rather than writing an invalid document', () => {
    const broken = structuredClone(spec31);
    ((broken.components as JsonObject).schemas as JsonObject).Anything = { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] };
    expect(() => downConvert(broken)).toThrow(/only "one typed schema or null"/);
  });

  it('is what a fresh conversion of the bundle gives, byte for byte', async () => {
    expect(jsonText(downConvert(spec31))).toBe(await readFile(join(REPO_ROOT, BUNDLE_30_JSON), 'utf8'));
  });

  it('converts a falsy const too (the converter skips `const: 0` and `const: false`)', () => {
    const withFalsy = structuredClone(spec31);
    const schemas = (withFalsy.components as JsonObject).schemas as JsonObject;
    schemas.Zero = { type: 'integer', const: 0 };
    schemas.No = { type: 'boolean', const: false };
    const converted = (downConvert(withFalsy).components as JsonObject).schemas as JsonObject;
    expect(converted.Zero).toEqual({ type: 'integer', enum: [0] });
    expect(converted.No).toEqual({ type: 'boolean', enum: [false] });
  });
});
