// Changes that look big in a text diff and mean nothing to a client on the wire: the kind other
// engineers make to the spec while the gate guards it (renaming components to stop generator
// name collisions, reordering security alternatives, adding `enum: [x]` beside `const: x` for
// 3.0-minded tools, new examples). The gate must let each of them through.
import { describe, expect, it } from 'vitest';
import { hasGateFailures } from '../../breaking-change/findings.ts';
import { plainResult } from '../../breaking-change/result.ts';
import { Spec } from '../../breaking-change/spec.ts';
import { diffSpecs } from '../../breaking-change/diff.ts';
import { clone, type Doc, forEachObject, plantedFindings, property, renameComponent, responseSchema, securityLists } from './plant.ts';

function renameEveryComponent(doc: Doc, retitle: boolean): void {
  for (const kind of ['schemas', 'parameters', 'responses', 'headers', 'examples']) {
    for (const name of Object.keys(doc.components[kind])) {
      const renamed = `${name}${kind === 'schemas' ? 'Schema' : kind === 'parameters' ? 'Param' : kind === 'responses' ? 'Response' : kind === 'headers' ? 'Header' : 'Example'}`;
      renameComponent(doc, kind, name, renamed);
      if (retitle && kind === 'schemas' && doc.components.schemas[renamed].title) doc.components.schemas[renamed].title = renamed;
    }
  }
}

function reorderSecurity(doc: Doc): void {
  for (const list of securityLists(doc)) {
    list.reverse();
    for (const alternative of list) for (const scopes of Object.values<string[]>(alternative)) scopes.reverse();
  }
}

/**
 * `enum: [x]` beside every `const: x` (what openapi-zod-client and other 3.0 tools want), or,
 * where the spec already has it, the same without it.
 */
function toggleEnumBesideConst(doc: Doc): number {
  let toggled = 0;
  forEachObject(doc.components.schemas, (node) => {
    if (!('const' in node) || typeof node.type !== 'string') return;
    if (!('enum' in node)) node.enum = [node.const];
    else if (node.enum.length === 1 && JSON.stringify(node.enum[0]) === JSON.stringify(node.const)) delete node.enum;
    else return;
    toggled += 1;
  });
  return toggled;
}

function changeEveryExample(doc: Doc): void {
  for (const example of Object.values<Doc>(doc.components.examples)) example.value = { changed: true };
  forEachObject(doc.components.schemas, (node) => {
    if (Array.isArray(node.examples)) node.examples = [...node.examples].reverse();
  });
}

/** Spellings that HTTP and RFC 9110 read without case: header names, auth-scheme words. */
function respell(doc: Doc): void {
  const schemes = doc.components.securitySchemes;
  schemes.XApiKey.name = schemes.XApiKey.name.toLowerCase();
  schemes.AuthorizationApiKey['x-herald-authorization-scheme'] = schemes.AuthorizationApiKey['x-herald-authorization-scheme'].toUpperCase();
  schemes.AuthorizationBearer.scheme = 'Bearer';
  for (const response of Object.values<Doc>(doc.components.responses)) {
    if (!response.headers?.['X-Request-Id']) continue;
    response.headers['X-REQUEST-ID'] = response.headers['X-Request-Id'];
    delete response.headers['X-Request-Id'];
  }
}

describe('changes that break nothing on the wire pass the gate', () => {
  it('the unchanged spec has no findings', () => {
    expect(plantedFindings(() => {})).toEqual([]);
  });

  it('renaming every component (and its references) is no change at all', () => {
    expect(plantedFindings((doc) => renameEveryComponent(doc, false))).toEqual([]);
  });

  it('renaming every component with its title is only a wording change', () => {
    const findings = plantedFindings((doc) => renameEveryComponent(doc, true));
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => `${f.severity} ${f.rule}`))).toEqual(new Set(['compatible doc.text-changed']));
  });

  it('reordering security alternatives and scopes, at the root and in every operation, is no change', () => {
    const findings = plantedFindings((doc) => {
      reorderSecurity(doc);
      // The keyless report's `security: []` has nothing to reorder.
      expect(securityLists(doc).filter((list) => list.length > 0).every((list) => list.length > 1)).toBe(true);
    });
    expect(findings).toEqual([]);
  });

  it('`enum: [x]` beside `const: x` is the same constraint', () => {
    const findings = plantedFindings((doc) => expect(toggleEnumBesideConst(doc)).toBeGreaterThan(10));
    expect(findings).toEqual([]);
  });

  it('new examples are compatible', () => {
    const findings = plantedFindings(changeEveryExample);
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => `${f.severity} ${f.rule}`))).toEqual(new Set(['compatible doc.example-changed']));
  });

  it('`format: password` on the secret key is a hint for tools, not a change of the key format', () => {
    const togglePassword = (doc: Doc) => {
      const secret = property(doc, responseSchema(doc, 'createApiKey', '201'), 'data.secret');
      if (secret.format === 'password') delete secret.format;
      else secret.format = 'password';
    };
    for (const direction of ['forward', 'reverse'] as const) {
      const findings = plantedFindings(togglePassword, direction);
      expect(findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(['compatible doc.format-hint-changed']);
    }
  });

  it('header names and auth-scheme words spelled in another case are no change', () => {
    expect(plantedFindings(respell)).toEqual([]);
  });

  it('all of them at once: exit 0', () => {
    const planted = clone();
    renameEveryComponent(planted, true);
    reorderSecurity(planted);
    toggleEnumBesideConst(planted);
    changeEveryExample(planted);
    respell(planted);
    const base = new Spec(clone(), 'current');
    const revision = new Spec(planted, 'planted');
    const findings = diffSpecs(base, revision);
    expect(hasGateFailures(findings)).toBe(false);
    expect(plainResult(base, revision, findings).exitCode).toBe(0);
  });
});
