// The four changes the issue asks about by name, through the text report a developer reads:
// exactly one finding each, with its severity, rule, pointer, what changed and why, and the
// operations it reaches, and exit 1.
import { describe, expect, it } from 'vitest';
import { renderText } from '../../breaking-change/report-text.ts';
import { plainResult } from '../../breaking-change/result.ts';
import { Spec } from '../../breaking-change/spec.ts';
import { diffSpecs } from '../../breaking-change/diff.ts';
import { clone, CURRENT, type Doc, operation, operations, parameter, parameterEntry, refOf, response, keyedOperations, operationsSharingParameter } from './plant.ts';

function report(plant: (doc: Doc) => void): { text: string; exitCode: number; findings: number } {
  const planted = clone();
  plant(planted);
  const base = new Spec(clone(), 'releases/v1.0.0/openapi.json');
  const revision = new Spec(planted, 'generated/openapi.json');
  const findings = diffSpecs(base, revision);
  const result = plainResult(base, revision, findings);
  return { text: renderText(result), exitCode: result.exitCode, findings: findings.length };
}

// A security scheme reaches every operation that takes a key.
const everyOperation = keyedOperations(CURRENT).length;

describe('what the gate prints for the four named changes', () => {
  it('X-API-Key moved to a query parameter', () => {
    const { text, exitCode, findings } = report((doc) => (doc.components.securitySchemes.XApiKey.in = 'query'));
    expect(findings).toBe(1);
    expect(exitCode).toBe(1);
    expect(text).toContain('BREAKING   auth.scheme-location-changed  #/components/securitySchemes/XApiKey/in\n');
    expect(text).toContain('  security scheme XApiKey: the key moves from the header X-API-Key to the query parameter X-API-Key — clients send the key where the API no longer reads it and are refused (401)\n');
    expect(text).toContain(`  ${everyOperation} operations: GET /api-keys, POST /api-keys,`);
    expect(text).toContain('1 breaking, 0 security, 0 compatible, 0 info.\nExit 1:');
  });

  it('keys:write required on GET /usage', () => {
    const { text, exitCode, findings } = report((doc) => {
      for (const alternative of operation(doc, 'getUsage').security) for (const scopes of Object.values<string[]>(alternative)) scopes.push('keys:write');
    });
    expect(findings).toBe(1);
    expect(exitCode).toBe(1);
    expect(text).toContain('BREAKING   auth.scope-added  #/paths/~1usage/get/security\n');
    expect(text).toContain('  security requirement: now requires scope keys:write (every credential alternative) — keys without the new scope are refused (403) where they were served\n');
    expect(text).toContain('  operation: GET /usage\n');
  });

  it('Retry-After removed from the 429 response', () => {
    const { text, exitCode, findings } = report((doc) => delete response(doc, 'getUsage', '429').headers['Retry-After']);
    const tooManyRequests = refOf(operation(CURRENT, 'getUsage').responses['429']);
    expect(findings).toBe(1);
    expect(exitCode).toBe(1);
    expect(text).toContain(`BREAKING   response.header-removed  ${tooManyRequests}/headers/Retry-After\n`);
    expect(text).toContain('  response header Retry-After: removed from response 429 — clients that read this header find nothing\n');
    // Every operation whose 429 is that shared response: all but the one with a quota 429.
    const sharing = operations(CURRENT).filter((op: Doc) => op.responses['429']?.$ref === tooManyRequests).length;
    expect(text).toContain(`  ${sharing} operations: `);
  });

  it("the limit parameter's maximum lowered to 50", () => {
    const { text, exitCode, findings } = report((doc) => (parameter(doc, 'listApiKeys', 'limit').schema.maximum = 50));
    expect(findings).toBe(1);
    expect(exitCode).toBe(1);
    expect(text).toContain(`BREAKING   request.bound-tightened  ${refOf(parameterEntry(CURRENT, 'listApiKeys', 'limit'))}/schema/maximum\n`);
    expect(text).toContain('  query parameter limit: maximum lowered from 100 to 50 — values that were valid are now refused (400)\n');
    const sharing = operationsSharingParameter(CURRENT, 'listApiKeys', 'limit');
    expect(text).toContain(sharing.length === 1 ? '  operation: GET /api-keys\n' : `  ${sharing.length} operations: GET /api-keys,`);
  });
});
