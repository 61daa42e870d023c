// generated/contract-facts.ts is read from the spec, never restated: changing the spec (a copy
// of the bundle) changes the facts the client runs on, and a spec that no longer says a fact
// stops the generator with the reason instead of producing a client that guesses.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractFacts } from '../generate/contract-facts.ts';
import { isObject, listOperations, resolve, type JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';

const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as JsonObject;
const copy = (): any => structuredClone(spec);

/** The Idempotency-Key parameter as the spec writes it on its first operation that takes one (shared or inline). */
function idempotencyParameter(document: JsonObject): { name: string; in: string; schema: JsonObject } {
  const facts = contractFacts(document) as any;
  const [method, path] = facts.idempotencyKey.operations[0].split(' ');
  const operation = listOperations(document).find((o) => o.method === method.toLowerCase() && o.path === path)!;
  return operation.parameters.find((p) => p.in === 'header' && p.name === facts.idempotencyKey.header) as any;
}

/** Every header parameter object of the document named `from`, shared or inline, renamed. */
function renameHeaderParameter(document: any, from: string, to: string): void {
  const candidates = [...Object.values<any>(document.components.parameters ?? {})];
  for (const operation of listOperations(document)) candidates.push(...((operation.object.parameters ?? []) as unknown[]).filter((p) => isObject(p) && !('$ref' in p)));
  for (const parameter of candidates) if (parameter.in === 'header' && parameter.name === from) parameter.name = to;
}

describe('contract facts', () => {
  it('are what the bundled spec says', () => {
    const facts = contractFacts(spec) as any;
    const document = spec as any;
    expect(facts.specVersion).toBe(document.info.version);
    expect(facts.problemCodes).toEqual({ member: document.components.schemas.Problem.discriminator.propertyName, codes: document.components.schemas.ErrorCode.enum });
    expect(facts.idempotencyKey.operations.length).toBeGreaterThan(0);
    // Each operation listed takes the header, and no other operation does.
    for (const operation of listOperations(spec)) {
      const takes = operation.parameters.some((p) => p.in === 'header' && p.name === facts.idempotencyKey.header);
      expect(takes, operation.operationId).toBe(facts.idempotencyKey.operations.includes(`${operation.method.toUpperCase()} ${operation.path}`));
    }
    expect(Object.keys(facts.paginatedOperations)).toEqual(['/api-keys', '/webhook-endpoints']);
    expect(facts.responseHeaders.retryAfter).toBe('Retry-After');
  });

  it('follow the operations that take an Idempotency-Key, also one declared inline with its schema', () => {
    const document = copy();
    const parameter = idempotencyParameter(document);
    // Both ways the spec may say it: a shared parameter, or an inline one whose schema is shared.
    document.components.parameters.IdempotencyKey ??= structuredClone(parameter);
    document.components.schemas.IdempotencyKey ??= resolve(document, parameter.schema);
    document.paths['/api-keys/{key_id}'].delete.parameters = [{ $ref: '#/components/parameters/IdempotencyKey' }];
    document.paths['/notifications'].post.parameters = [{ ...parameter, schema: { $ref: '#/components/schemas/IdempotencyKey' } }];
    document.paths['/api-keys'].post.parameters = [];

    expect((contractFacts(document) as any).idempotencyKey.operations).toEqual([
      'DELETE /api-keys/{key_id}',
      'POST /api-keys/{key_id}/regenerate',
      'POST /notifications',
      'POST /webhook-endpoints',
    ]);
  });

  it('follow a header renamed in the spec', () => {
    const document = copy();
    renameHeaderParameter(document, idempotencyParameter(document).name, 'Idempotency-Token');
    for (const response of Object.values<any>(document.components.responses)) {
      if (response.headers?.['Retry-After']) {
        response.headers['Retry-In'] = response.headers['Retry-After'];
        delete response.headers['Retry-After'];
      }
    }
    const facts = contractFacts(document) as any;
    expect(facts.idempotencyKey.header).toBe('Idempotency-Token');
    expect(facts.responseHeaders.retryAfter).toBe('Retry-In');
  });

  it('follow the pagination members and the problem codes of the spec', () => {
    const document = copy();
    const page = document.components.schemas.ApiKeyPage;
    page.properties.keys = page.properties.data;
    page.properties.after = page.properties.next_cursor;
    delete page.properties.data;
    delete page.properties.next_cursor;
    document.components.schemas.ErrorCode.enum.push('key_too_old');

    const facts = contractFacts(document) as any;
    expect(facts.paginatedOperations['/api-keys']).toEqual({ cursor: 'cursor', nextCursor: 'after', items: 'keys' });
    expect(facts.problemCodes.codes.at(-1)).toBe('key_too_old');
  });

  it('stop the generator when the spec no longer says one', () => {
    const noCursorNext = copy();
    noCursorNext.components.schemas.ApiKeyPage.properties.next_cursor = { type: ['string', 'null'] };
    expect(() => contractFacts(noCursorNext)).toThrow(/listApiKeys: a page needs exactly one next-cursor member and one array of items/);

    const noDiscriminator = copy();
    delete noDiscriminator.components.schemas.Problem.discriminator;
    expect(() => contractFacts(noDiscriminator)).toThrow(/Expected one discriminated problem schema behind application\/problem\+json, found 0/);

    const noRetryAfter = copy();
    delete noRetryAfter.components.responses.TooManyRequests.headers['Retry-After'];
    delete noRetryAfter.components.responses.TooManyRequestsOrQuotaExceeded.headers['Retry-After'];
    expect(() => contractFacts(noRetryAfter)).toThrow(/No response of the spec sends the header component RetryAfter/);
  });
});
