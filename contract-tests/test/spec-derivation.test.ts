import { describe, expect, test } from 'vitest';
import { parseChallenges } from '../src/harness/expect.ts';
import { parseRateLimitField, rateLimitInconsistencies } from '../src/harness/rate-limit-headers.ts';
import { problemCodesOf } from '../src/spec/operations.ts';
import { Contract } from '../src/spec/contract.ts';
import { SpecDocument } from '../src/spec/spec-document.ts';

/** What the suite reads from the spec must match the spec itself, walked independently here. */
const contract = Contract.load();
const root = contract.spec.root as any;

describe('the contract read from the spec', () => {
  test('has one operation per path and method of the document', () => {
    const documented = Object.entries(root.paths).flatMap(([path, item]) => Object.keys(item as object).filter((k) => k !== 'parameters').map((m) => `${m.toUpperCase()} ${path}`));
    expect(contract.operations.map((op) => `${op.method} ${op.pathTemplate}`).sort()).toEqual(documented.sort());
  });

  test("takes each operation's scopes from its security requirement", () => {
    for (const op of contract.operations) {
      const raw = root.paths[op.pathTemplate][op.method.toLowerCase()];
      const security = raw.security ?? root.security;
      const scopes = [...new Set(security.flatMap((r: Record<string, string[]>) => Object.values(r).flat()))].sort();
      expect(op.requiredScopes, op.id).toEqual(scopes);
    }
  });

  test('knows every error code of the closed list with the status its schema fixes', () => {
    const listed: string[] = root.components.schemas.ErrorCode.enum;
    // A code whose problem schema no response uses is dropped from the bundle; the rest are known.
    for (const code of contract.problems.keys()) expect(listed).toContain(code);
    for (const problem of contract.problems.values()) {
      const schema = root.components.schemas[problem.schemaPointer.split('/').pop()!];
      const pinned = schema.allOf.find((p: any) => p.properties?.status).properties.status.const;
      expect(problem.status).toBe(pinned);
    }
  });

  test('lists for each response the codes its problem schemas carry', () => {
    const unauthorized = contract.operation('ping').responses.get('401')!;
    const schema = root.components.responses.Unauthorized.content['application/problem+json'].schema;
    expect(unauthorized.problemCodes).toEqual(problemCodesOf(contract.spec, schema));
    expect(unauthorized.problemCodes.length).toBe(schema.oneOf.length);
  });

  test('reads plans, credential forms and header names from their components', () => {
    expect(contract.plans.map((p) => p.name).sort()).toEqual(root.components.schemas.Plan.oneOf.map((b: any) => root.components.schemas[b.$ref.split('/').pop()].properties.name.const).sort());
    expect(contract.credentialForms.map((f) => f.scheme).sort()).toEqual(Object.keys(root.components.securitySchemes).sort());
    for (const form of contract.credentialForms) {
      const scheme = root.components.securitySchemes[form.scheme];
      expect(form.header.toLowerCase()).toBe((scheme.name ?? 'Authorization').toLowerCase());
      if (form.authScheme) expect(scheme.description ?? scheme.scheme).toMatch(new RegExp(form.authScheme, 'i'));
    }
    expect(contract.keyFormat.pattern.source).toBe(root.components.schemas.SecretKey.pattern);
  });

  test('a new operation is picked up with its scopes and its path parameter filled', () => {
    const copy = structuredClone(root);
    copy.paths['/api-keys/{key_id}/audit'] = {
      parameters: root.paths['/api-keys/{key_id}'].parameters,
      get: { ...root.paths['/api-keys/{key_id}'].get, operationId: 'auditApiKey', security: [{ XApiKey: ['usage:read'] }] },
    };
    const extended = new Contract(new SpecDocument(copy, 'in memory'));
    const audit = extended.operation('auditApiKey');
    expect(extended.authenticatedOperations).toContain(audit);
    expect(audit.requiredScopes).toEqual(['usage:read']);
    expect(audit.parameters.find((p) => p.in === 'path')?.schemaName).toBe('KeyId');
  });
});

describe('header parsing', () => {
  test('parseChallenges reads each scheme and its parameters, quoted commas included', () => {
    expect(parseChallenges('ApiKey realm="herald", error="invalid_token", Bearer realm="a, b"')).toEqual([
      { scheme: 'ApiKey', params: { realm: 'herald', error: 'invalid_token' } },
      { scheme: 'Bearer', params: { realm: 'a, b' } },
    ]);
    expect(parseChallenges('Basic')).toEqual([{ scheme: 'Basic', params: {} }]);
  });

  test('parseRateLimitField reads a name and integer parameters, and refuses anything else', () => {
    expect(parseRateLimitField('"default";q=200;w=60')).toEqual({ name: 'default', params: { q: 200, w: 60 } });
    expect(parseRateLimitField('default;q=200')).toBeUndefined();
    expect(parseRateLimitField('"default";q=-1')).toBeUndefined();
  });

  test('rateLimitInconsistencies finds each way the two notations can disagree', () => {
    const agreeing = { policy: { name: 'default', q: 10, w: 60 }, state: { name: 'default', r: 4, t: 30 }, limit: 10, remaining: 4, reset: 1030, date: 1000 };
    expect(rateLimitInconsistencies(agreeing)).toEqual([]);
    expect(rateLimitInconsistencies({ ...agreeing, limit: 11 })).toHaveLength(1);
    expect(rateLimitInconsistencies({ ...agreeing, remaining: 5 })).toHaveLength(1);
    expect(rateLimitInconsistencies({ ...agreeing, reset: 1100 })).toHaveLength(1);
    expect(rateLimitInconsistencies({ ...agreeing, state: { name: 'failed-auth', r: 4, t: 30 } })).toHaveLength(1);
    expect(rateLimitInconsistencies({ ...agreeing, state: { name: 'default', r: 11, t: 30 }, remaining: 11 })).toHaveLength(1);
    expect(rateLimitInconsistencies({})).toHaveLength(5);
  });
});
