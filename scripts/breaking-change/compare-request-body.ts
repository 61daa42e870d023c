// The request body of one operation pair: whether one is required, its content types and their
// schemas, read as the client writes them (request direction).
import { compareSchemas, startWalk } from './compare-schemas.ts';
import type { Scope } from './context.ts';
import { compareExamples, compareTexts } from './documentation.ts';
import type { Operation } from './operations.ts';
import { type JsonObject, type Node, pointerTo } from './spec.ts';

const SUBJECT = 'request body';

export function compareRequestBody(scope: Scope, base: Operation, revision: Operation): void {
  const before = scope.base.at<JsonObject>(base.node, 'requestBody');
  const after = scope.revision.at<JsonObject>(revision.node, 'requestBody');
  if (!before && !after) return;
  if (before && !after) {
    scope.report({ rule: 'request.body-removed', base: before.pointer, change: 'removed', subject: SUBJECT });
    return;
  }
  const requiredAfter = after!.value.required === true;
  if (!before) {
    scope.report({
      rule: requiredAfter ? 'request.body-made-required' : 'request.body-added',
      revision: after!.pointer,
      change: `added${requiredAfter ? ' (required)' : ''}`,
      subject: SUBJECT,
    });
    return;
  }
  const requiredBefore = before.value.required === true;
  if (requiredBefore !== requiredAfter) {
    scope.report({
      rule: requiredAfter ? 'request.body-made-required' : 'request.body-made-optional',
      base: pointerTo(before.pointer, 'required'),
      revision: pointerTo(after!.pointer, 'required'),
      change: requiredAfter ? 'now required' : 'no longer required',
      subject: SUBJECT,
    });
  }
  compareTexts(scope, before, after, SUBJECT);
  compareContent(scope, before, after!, 'request', SUBJECT);
}

/** Content types of a request body or a response, paired by media type; schemas compared in `direction`. */
export function compareContent(scope: Scope, before: Node, after: Node, direction: 'request' | 'response', subject: string): void {
  const beforeTypes = new Map(scope.base.entries(scope.base.child(before, 'content')).map(([type, node]) => [mediaKey(type), { type, node: scope.base.resolve(node) }]));
  const afterTypes = new Map(scope.revision.entries(scope.revision.child(after, 'content')).map(([type, node]) => [mediaKey(type), { type, node: scope.revision.resolve(node) }]));
  for (const [key, { type, node }] of beforeTypes) {
    const match = afterTypes.get(key);
    if (!match) {
      scope.report({ rule: `${direction}.media-type-removed`, base: node.pointer, change: `content type ${type} removed`, subject });
      continue;
    }
    compareExamples(scope, node, match.node, subject);
    const schemaBefore = scope.base.child(node, 'schema');
    const schemaAfter = scope.revision.child(match.node, 'schema');
    if (schemaBefore && schemaAfter) {
      const problemBody = key === 'application/problem+json';
      compareSchemas(scope, [schemaBefore], [schemaAfter], startWalk(direction, subject, problemBody));
    }
  }
  for (const [key, { type, node }] of afterTypes) {
    if (!beforeTypes.has(key)) scope.report({ rule: `${direction}.media-type-added`, revision: node.pointer, change: `content type ${type} added`, subject });
  }
}

/** `Application/JSON; charset=utf-8` and `application/json` are one content type. */
function mediaKey(type: string): string {
  return type.split(';')[0]!.trim().toLowerCase();
}
