// generated/contract-facts.ts is read from the spec, never restated: changing the spec (a copy
// of the bundle) changes the facts the client runs on, and a spec that no longer says a fact
// stops the generator with the reason instead of producing a client that guesses.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractFacts } from '../generate/contract-facts.ts';
import type { JsonObject } from '../generate/openapi-document.ts';
import { BUNDLE_JSON } from '../generate/pipeline.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';

const spec = JSON.parse(await readFile(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as JsonObject;
const copy = (): any => structuredClone(spec);

describe('contract facts', () => {
  it('are what the bundled spec says', () => {
    const facts = contractFacts(spec) as any;
    const document = spec as any;
    expect(facts.specVersion).toBe(document.info.version);
    expect(facts.problemCodes).toEqual({ member: document.components.schemas.Problem.discriminator.propertyName, codes: document.components.schemas.ErrorCode.enum });
    expect(facts.idempotencyKey.header).toBe(document.components.parameters.IdempotencyKey.name);
    expect(facts.idempotencyKey.operations.length).toBeGreaterThan(0);
    expect(Object.keys(facts.paginatedOperations)).toEqual(['/api-keys']);
    expect(facts.responseHeaders.retryAfter).toBe('Retry-After');
  });

  it('follow the operations that take an Idempotency-Key, also one declared inline with its schema', () => {
    const document = copy();
    document.paths['/api-keys/{key_id}'].delete.parameters = [{ $ref: '#/components/parameters/IdempotencyKey' }];
    document.components.schemas.IdempotencyKey = document.components.parameters.IdempotencyKey.schema;
    document.paths['/notifications'].post.parameters = [{ ...document.components.parameters.IdempotencyKey, schema: { $ref: '#/components/schemas/IdempotencyKey' } }];
    document.paths['/api-keys'].post.parameters = [];

    expect((contractFacts(document) as any).idempotencyKey.operations).toEqual([
      'DELETE /api-keys/{key_id}',
      'POST /api-keys/{key_id}/regenerate',
      'POST /notifications',
    ]);
  });

  it('follow a header renamed in the spec', () => {
    const document = copy();
    document.components.parameters.IdempotencyKey.name = 'Idempotency-Token';
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
