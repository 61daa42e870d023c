// Response-header examples that agree with the response they are on. Prism answers
// `Prefer: code=429` with each documented header's example, so a 429 whose examples said
// `r=199` announced requests remaining beside `Retry-After`. And a header field documented by two
// components (a variant with other examples) keeps one schema, since the reference server and the
// suite validate the field by name.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isObject, listOperations, resolve, type JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';

const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as JsonObject;

/** Every response of every operation, resolved, with where it is. */
const responses = listOperations(spec).flatMap((operation) =>
  Object.entries((operation.object.responses ?? {}) as JsonObject).map(([status, response]) => ({
    where: `${operation.operationId} ${status}`,
    status,
    response: resolve(spec, response),
  })));

const example = (response: JsonObject, name: string) => {
  const header = (response.headers as JsonObject | undefined)?.[name];
  return header === undefined ? undefined : resolve(spec, header).example;
};

describe('response header examples', () => {
  it('say a 429 has nothing remaining, and wait as long as Retry-After', () => {
    const tooMany = responses.filter((r) => r.status === '429');
    expect(tooMany.length).toBeGreaterThan(0);
    for (const { where, response } of tooMany) {
      expect(example(response, 'X-RateLimit-Remaining'), where).toBe(0);
      const rateLimit = /;r=(\d+);t=(\d+)$/.exec(String(example(response, 'RateLimit')));
      expect(rateLimit, where).not.toBeNull();
      expect(Number(rateLimit![1]), where).toBe(0);
      expect(Number(rateLimit![2]), where).toBe(example(response, 'Retry-After'));
    }
  });

  it('say a success has requests remaining, below the limit', () => {
    // Every success that follows an accepted key (the keyless leaked-key report has no rate limit).
    for (const { where, status, response } of responses.filter((r) => r.status.startsWith('2') && example(r.response, 'X-RateLimit-Remaining') !== undefined)) {
      const remaining = example(response, 'X-RateLimit-Remaining') as number;
      expect(remaining, `${where} (${status})`).toBeGreaterThan(0);
      expect(remaining, where).toBeLessThan(example(response, 'X-RateLimit-Limit') as number);
    }
  });

  it('keep one schema per header field, whichever component documents it', () => {
    const schemaOf = new Map<string, { component: string; schema: unknown }>();
    let variants = 0;
    for (const { response } of responses) {
      for (const [name, raw] of Object.entries((response.headers ?? {}) as JsonObject)) {
        if (!isObject(raw) || typeof raw.$ref !== 'string') continue;
        const schema = resolve(spec, raw).schema;
        const seen = schemaOf.get(name.toLowerCase());
        if (!seen) schemaOf.set(name.toLowerCase(), { component: raw.$ref, schema });
        else if (seen.component !== raw.$ref) {
          variants++;
          expect(schema, `${raw.$ref} documents ${name} like ${seen.component}`).toEqual(seen.schema);
        }
      }
    }
    expect(variants).toBeGreaterThan(0);
  });
});
