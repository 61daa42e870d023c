// The responses of one operation pair: which statuses are documented, and for each its headers,
// content types and body schemas, read as the client reads them (response direction).
import { compareContent } from './compare-request-body.ts';
import { compareSchemas, startWalk } from './compare-schemas.ts';
import type { Scope } from './context.ts';
import { compareExamples, compareTexts } from './documentation.ts';
import { fingerprint } from './fingerprint.ts';
import type { Operation } from './operations.ts';
import { type JsonObject, type Node, pointerTo, type Spec } from './spec.ts';

/** The largest request body, in bytes, documented on the 413 response (openapi/README.md). */
const MAX_BODY_BYTES = 'x-herald-max-body-bytes';

export function compareResponses(scope: Scope, base: Operation, revision: Operation): void {
  const before = statuses(scope.base, base);
  const after = statuses(scope.revision, revision);
  const removed = [...before.keys()].filter((status) => !after.has(status));
  const added = [...after.keys()].filter((status) => !before.has(status));
  for (const [status, node] of before) {
    const match = after.get(status);
    if (match) compareResponse(scope, status, scope.base.resolve(node), scope.revision.resolve(match));
  }
  for (const status of [...removed]) {
    // One status gone and one new of the same class: the answer was replaced (404 → 410).
    const sameClass = (other: string) => other[0] === status[0];
    const replacement = removed.filter(sameClass).length === 1 && added.filter(sameClass).length === 1 ? added.find(sameClass) : undefined;
    if (replacement) {
      added.splice(added.indexOf(replacement), 1);
      scope.report({
        rule: 'response.status-replaced',
        base: before.get(status)!.pointer,
        revision: after.get(replacement)!.pointer,
        change: `replaced by ${replacement}`,
        subject: `response ${status}`,
      });
    } else {
      scope.report({ rule: 'response.status-removed', base: before.get(status)!.pointer, change: 'removed', subject: `response ${status}` });
    }
  }
  for (const status of added) {
    scope.report({ rule: 'response.status-added', revision: after.get(status)!.pointer, change: 'added', subject: `response ${status}` });
  }
}

function statuses(spec: Spec, operation: Operation): Map<string, Node> {
  return new Map(spec.entries(spec.child(operation.node, 'responses')).map(([status, node]) => [status.toUpperCase(), node]));
}

function compareResponse(scope: Scope, status: string, before: Node<JsonObject>, after: Node<JsonObject>): void {
  const subject = `response ${status}`;
  compareTexts(scope, before, after, subject);
  compareHeaders(scope, status, before, after);
  compareContent(scope, before, after, 'response', `${subject} body`);
  compareBodyLimit(scope, before, after, subject);
}

interface Header {
  name: string;
  /** The entry in the response's `headers` map (where a removal is reported). */
  entry: Node;
  /** The header object, resolved. */
  node: Node<JsonObject>;
}

function headersOf(spec: Spec, response: Node): Map<string, Header> {
  return new Map(spec.entries(spec.child(response, 'headers')).map(([name, entry]) => [name.toLowerCase(), { name, entry, node: spec.resolve<JsonObject>(entry) }]));
}

function compareHeaders(scope: Scope, status: string, response: Node, revisionResponse: Node): void {
  const before = headersOf(scope.base, response);
  const after = headersOf(scope.revision, revisionResponse);
  const removed = [...before.keys()].filter((name) => !after.has(name));
  const added = [...after.keys()].filter((name) => !before.has(name));
  for (const [key, header] of before) {
    const match = after.get(key);
    if (match) compareHeader(scope, header, match);
  }
  for (const key of removed) {
    const header = before.get(key)!;
    const renamedTo = renameOf(scope, header, removed, added.map((name) => after.get(name)!));
    if (renamedTo) {
      added.splice(added.indexOf(renamedTo.name.toLowerCase()), 1);
      scope.report({
        rule: 'response.header-renamed',
        base: header.entry.pointer,
        revision: renamedTo.entry.pointer,
        change: `renamed from ${header.name} (response ${status})`,
        subject: `response header ${renamedTo.name}`,
      });
      compareHeader(scope, header, renamedTo);
    } else {
      scope.report({ rule: 'response.header-removed', base: header.entry.pointer, change: `removed from response ${status}`, subject: `response header ${header.name}` });
    }
  }
  for (const key of added) {
    const header = after.get(key)!;
    scope.report({ rule: 'response.header-added', revision: header.entry.pointer, change: `added to response ${status}`, subject: `response header ${header.name}` });
  }
}

/** A removed header is renamed when an added one means the same, or when it is the only one each way. */
function renameOf(scope: Scope, header: Header, removed: string[], added: Header[]): Header | undefined {
  const meaning = fingerprint(scope.base, header.node);
  return added.find((other) => fingerprint(scope.revision, other.node) === meaning) ?? (removed.length === 1 && added.length === 1 ? added[0] : undefined);
}

function compareHeader(scope: Scope, before: Header, after: Header): void {
  const subject = `response header ${after.name}`;
  const requiredBefore = before.node.value.required === true;
  const requiredAfter = after.node.value.required === true;
  if (requiredBefore !== requiredAfter) {
    scope.report({
      rule: requiredAfter ? 'response.header-made-required' : 'response.header-made-optional',
      base: pointerTo(before.node.pointer, 'required'),
      revision: pointerTo(after.node.pointer, 'required'),
      change: requiredAfter ? 'now always sent' : 'no longer always sent',
      subject,
    });
  }
  compareTexts(scope, before.node, after.node, subject);
  compareExamples(scope, before.node, after.node, subject);
  const schemaBefore = scope.base.child(before.node, 'schema');
  const schemaAfter = scope.revision.child(after.node, 'schema');
  if (schemaBefore && schemaAfter) compareSchemas(scope, [schemaBefore], [schemaAfter], startWalk('response', subject));
}

function compareBodyLimit(scope: Scope, before: Node<JsonObject>, after: Node<JsonObject>, subject: string): void {
  const limitBefore = before.value[MAX_BODY_BYTES];
  const limitAfter = after.value[MAX_BODY_BYTES];
  if (typeof limitBefore !== 'number' || typeof limitAfter !== 'number' || limitBefore === limitAfter) return;
  scope.report({
    rule: limitAfter < limitBefore ? 'request.body-limit-lowered' : 'request.body-limit-raised',
    base: pointerTo(before.pointer, MAX_BODY_BYTES),
    revision: pointerTo(after.pointer, MAX_BODY_BYTES),
    change: `largest request body ${limitBefore} → ${limitAfter} bytes`,
    subject,
  });
}
