// Operations: which exist on each side, and for each pair what is compared (parameters, request
// body, responses; the security requirement is compare-security.ts's). A path that disappears
// with all its operations is one finding.
import { compareParameters } from './compare-parameters.ts';
import { compareRequestBody } from './compare-request-body.ts';
import { compareResponses } from './compare-responses.ts';
import { type DiffContext, scopeFor } from './context.ts';
import { compareTexts } from './documentation.ts';
import type { Operation, OperationPairing } from './operations.ts';
import { pointerTo } from './spec.ts';

export function compareOperations(context: DiffContext, baseOps: Operation[], revisionOps: Operation[], pairing: OperationPairing): void {
  reportRemovedAndAdded(context, baseOps, revisionOps, pairing);
  for (const [base, revision] of pairing.matched) {
    const scope = scopeFor(context, revision.ref);
    const subject = 'operation';
    const idBefore = base.node.value.operationId;
    const idAfter = revision.node.value.operationId;
    if (idBefore !== idAfter) {
      scope.report({
        rule: 'op.operation-id-changed',
        base: pointerTo(base.node.pointer, 'operationId'),
        revision: pointerTo(revision.node.pointer, 'operationId'),
        change: `operationId ${String(idBefore ?? '(none)')} → ${String(idAfter ?? '(none)')}`,
        subject,
      });
    }
    if (base.node.value.deprecated !== true && revision.node.value.deprecated === true) {
      scope.report({ rule: 'op.deprecated', revision: pointerTo(revision.node.pointer, 'deprecated'), change: 'deprecated', subject });
    }
    compareTexts(scope, base.node, revision.node, subject);
    compareParameters(scope, base, revision);
    compareRequestBody(scope, base, revision);
    compareResponses(scope, base, revision);
  }
}

function reportRemovedAndAdded(context: DiffContext, baseOps: Operation[], revisionOps: Operation[], pairing: OperationPairing): void {
  const scope = scopeFor(context);
  const report = (side: 'removed' | 'added', ops: Operation[], all: Operation[], other: Operation[]) => {
    const otherPaths = new Set(other.map((op) => op.pathKey));
    const wholePaths = new Set(ops.filter((op) => !otherPaths.has(op.pathKey)).map((op) => op.pathKey));
    for (const pathKey of wholePaths) {
      const onPath = all.filter((op) => op.pathKey === pathKey);
      const path = onPath[0]!.ref.path;
      const at = pointerTo('#/paths', path);
      scope.report({
        rule: side === 'removed' ? 'path.removed' : 'path.added',
        ...(side === 'removed' ? { base: at } : { revision: at }),
        change: `${side}, with ${onPath.map((op) => op.ref.method.toUpperCase()).join(', ')}`,
        subject: `path ${path}`,
        operations: onPath.map((op) => op.ref),
      });
    }
    for (const op of ops) {
      if (wholePaths.has(op.pathKey)) continue;
      scope.report({
        rule: side === 'removed' ? 'op.removed' : 'op.added',
        ...(side === 'removed' ? { base: op.node.pointer } : { revision: op.node.pointer }),
        change: side,
        subject: `${op.ref.method.toUpperCase()} ${op.ref.path}`,
        operations: [op.ref],
      });
    }
  };
  report('removed', pairing.removed, baseOps, revisionOps);
  report('added', pairing.added, revisionOps, baseOps);
}
