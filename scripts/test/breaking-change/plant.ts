// Planted changes: the gate's tests start from the real bundled spec (generated/openapi.json),
// clone it and change one thing, so they follow the spec as it evolves. The locators below find
// what to change by walking the document the way a client meets it (an operation, a response,
// a property path), resolving `$ref`s, and return the object where it lives: changing that
// object changes the component, exactly as an edit of the spec would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffSpecs } from '../../breaking-change/diff.ts';
import type { Finding } from '../../breaking-change/findings.ts';
import { Spec } from '../../breaking-change/spec.ts';
import { BUNDLE_JSON } from '../../generate/outputs.ts';
import { REPO_ROOT } from '../../generate/repo-root.ts';

// The documents are plain JSON walked by hand; `any` keeps the plants short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = any;

export const CURRENT = JSON.parse(readFileSync(join(REPO_ROOT, BUNDLE_JSON), 'utf8')) as Doc;

/** One unchanged document for every comparison (it is never changed, so its work is reused). */
const original = new Spec(clone(), 'current');

export function clone(): Doc {
  return structuredClone(CURRENT);
}

/** The findings between the current spec and a copy changed by `plant` (or the other way round). */
export function plantedFindings(plant: (doc: Doc) => void, direction: 'forward' | 'reverse' = 'forward'): Finding[] {
  const planted = clone();
  plant(planted);
  const changed = new Spec(planted, 'planted');
  return direction === 'forward' ? diffSpecs(original, changed) : diffSpecs(changed, original);
}

export function deref(doc: Doc, value: Obj): Obj {
  let current = value;
  while (current && typeof current.$ref === 'string') {
    current = current.$ref
      .slice(2)
      .split('/')
      .map((token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((node: Obj, key: string) => node?.[key], doc);
  }
  return current;
}

/** The `$ref` a value is written as (where a shared component lives), failing when it is inline. */
export function refOf(value: Obj): string {
  if (typeof value?.$ref !== 'string') throw new Error('expected a $ref');
  return value.$ref;
}

export function operation(doc: Doc, operationId: string): Obj {
  for (const item of Object.values<Obj>(doc.paths)) {
    for (const op of Object.values<Obj>(item)) if (op?.operationId === operationId) return op;
  }
  throw new Error(`no operation ${operationId}`);
}

export function response(doc: Doc, operationId: string, status: string): Obj {
  const found = deref(doc, operation(doc, operationId).responses[status]);
  if (!found) throw new Error(`${operationId} has no ${status}`);
  return found;
}

export function requestSchema(doc: Doc, operationId: string): Obj {
  const body = deref(doc, operation(doc, operationId).requestBody);
  return deref(doc, body.content['application/json'].schema);
}

export function responseSchema(doc: Doc, operationId: string, status: string): Obj {
  const content = response(doc, operationId, status).content;
  return deref(doc, (content['application/json'] ?? content['application/problem+json']).schema);
}

/** The schema that declares `path` (`data.secret`), following `$ref`s and `allOf` parts. */
export function property(doc: Doc, schema: Obj, path: string): Obj {
  return path.split('.').reduce((current: Obj, name: string) => {
    const holder = holderOf(doc, current, name);
    if (!holder) throw new Error(`no property ${name} on the way to ${path}`);
    return deref(doc, holder.properties[name]);
  }, schema);
}

/** The `$ref` of the property at `path` (where the shared schema it names lives). */
export function propertyRef(doc: Doc, schema: Obj, path: string): string {
  const names = path.split('.');
  const last = names.pop()!;
  const parent = names.length > 0 ? property(doc, schema, names.join('.')) : schema;
  return refOf(holderOf(doc, parent, last).properties[last]);
}

/** The (resolved) schema whose `properties` list `name`: the schema itself or one of its allOf parts. */
export function holderOf(doc: Doc, schema: Obj, name: string): Obj | undefined {
  const resolved = deref(doc, schema);
  if (resolved?.properties?.[name]) return resolved;
  for (const part of resolved?.allOf ?? []) {
    const found = holderOf(doc, part, name);
    if (found) return found;
  }
  return undefined;
}

export function parameter(doc: Doc, operationId: string, name: string): Obj {
  return deref(doc, parameterEntry(doc, operationId, name));
}

/** A parameter as the operation (or its path) lists it: a `$ref` or the parameter itself. */
export function parameterEntry(doc: Doc, operationId: string, name: string): Obj {
  const op = operation(doc, operationId);
  const item = Object.values<Obj>(doc.paths).find((candidate) => Object.values(candidate).includes(op));
  const found = [...(item.parameters ?? []), ...(op.parameters ?? [])].find((p: Obj) => deref(doc, p).name === name);
  if (!found) throw new Error(`${operationId} has no parameter ${name}`);
  return found;
}

/** The part of a problem schema that fixes its `code` (and its status, type and title). */
export function problem(doc: Doc, code: string): Obj {
  for (const schema of Object.values<Obj>(doc.components.schemas)) {
    for (const part of schema.allOf ?? []) {
      const resolved = deref(doc, part);
      if (resolved?.properties?.code?.const === code) return resolved;
    }
  }
  throw new Error(`no problem schema for ${code}`);
}

/** Every operation object of the document. */
export function operations(doc: Doc): Obj[] {
  return Object.values<Obj>(doc.paths).flatMap((item) => Object.values<Obj>(item).filter((op) => op?.operationId));
}

/** The operations that take an API key: all but those with `security: []` (the signed leaked-key report). */
export function keyedOperations(doc: Doc): Obj[] {
  return operations(doc).filter((op) => !(Array.isArray(op.security) && op.security.length === 0));
}

/** The operations that list the same parameter entry (a shared `$ref`) as `operationId` does for `name`. */
export function operationsSharingParameter(doc: Doc, operationId: string, name: string): Obj[] {
  const ref = parameterEntry(doc, operationId, name).$ref;
  return operations(doc).filter((op) => {
    const item = Object.values<Obj>(doc.paths).find((candidate) => Object.values(candidate).includes(op));
    return [...(item.parameters ?? []), ...(op.parameters ?? [])].some((p: Obj) => p.$ref === ref);
  });
}

/** Every security requirement list of the document: the root's and each operation's own. */
export function securityLists(doc: Doc): Obj[][] {
  return [doc.security, ...operations(doc).map((op) => op.security)].filter(Array.isArray);
}

/** Renames a component and every reference to it, as a refactoring of the spec would. */
export function renameComponent(doc: Doc, kind: string, from: string, to: string): void {
  const components = doc.components[kind];
  if (!components?.[from]) throw new Error(`no component ${kind}/${from}`);
  doc.components[kind] = Object.fromEntries(Object.entries(components).map(([name, value]) => [name === from ? to : name, value]));
  const oldRef = `#/components/${kind}/${from}`;
  const newRef = `#/components/${kind}/${to}`;
  rewriteStrings(doc, (text) => (text === oldRef || text.startsWith(`${oldRef}/`) ? newRef + text.slice(oldRef.length) : text));
}

export function rewriteStrings(node: Obj, rewrite: (text: string) => string): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => (typeof item === 'string' ? (node[index] = rewrite(item)) : rewriteStrings(item, rewrite)));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') node[key] = rewrite(value);
      else rewriteStrings(value, rewrite);
    }
  }
}

/** Every schema object in the document (components and inline), visited once. */
export function forEachObject(node: Obj, visit: (object: Obj) => void): void {
  if (Array.isArray(node)) node.forEach((item) => forEachObject(item, visit));
  else if (node && typeof node === 'object') {
    visit(node);
    for (const value of Object.values(node)) forEachObject(value, visit);
  }
}

/** `severity rule` of each finding, without the documentation ones (words and examples). */
export function classified(findings: Finding[]): string[] {
  return [...new Set(findings.filter((f) => !f.rule.startsWith('doc.')).map((f) => `${f.severity} ${f.rule}`))].sort();
}
