// The operations of a document and how the two sides' operations pair up. An operation is known
// by its method and its path template with parameter names blanked out: `/api-keys/{key_id}` and
// `/api-keys/{id}` are the same URL to a client.
import type { OperationRef } from './findings.ts';
import { isObject, type JsonObject, type Node, pointerTo, type Spec } from './spec.ts';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface Parameter {
  /** Pairs a parameter across the two sides: `query:limit`, `header:idempotency-key`, `path:0`. */
  key: string;
  name: string;
  in: string;
  /** The parameter object, resolved. */
  node: Node<JsonObject>;
}

export interface Operation {
  ref: OperationRef;
  /** `GET /api-keys/{}`. */
  key: string;
  /** `/api-keys/{}`. */
  pathKey: string;
  node: Node<JsonObject>;
  parameters: Parameter[];
  /** The security requirement that applies: the operation's own, else the document's. */
  security: { node: Node<unknown[]> | undefined; pointer: string };
}

export function pathKeyOf(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}');
}

export function listOperations(spec: Spec): Operation[] {
  const root = spec.root();
  const paths = spec.child(root, 'paths');
  const rootSecurity = spec.child<unknown[]>(root, 'security');
  const operations: Operation[] = [];
  for (const [path, rawItem] of spec.entries(paths)) {
    const item = spec.resolve<JsonObject>(rawItem);
    const shared = parametersOf(spec, item, path);
    for (const method of HTTP_METHODS) {
      const node = spec.at<JsonObject>(item, method);
      if (!node || !isObject(node.value)) continue;
      const own = parametersOf(spec, node, path);
      const parameters = [...shared.filter((s) => !own.some((o) => o.key === s.key)), ...own];
      const ownSecurity = spec.child<unknown[]>(node, 'security');
      const security = ownSecurity ?? rootSecurity;
      operations.push({
        ref: { method, path, ...(typeof node.value.operationId === 'string' ? { operationId: node.value.operationId } : {}) },
        key: `${method.toUpperCase()} ${pathKeyOf(path)}`,
        pathKey: pathKeyOf(path),
        node,
        parameters,
        security: { node: security, pointer: security?.pointer ?? pointerTo('#', 'security') },
      });
    }
  }
  return operations;
}

function parametersOf(spec: Spec, owner: Node, path: string): Parameter[] {
  const pathParams = [...path.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]);
  return spec.items(spec.child(owner, 'parameters')).flatMap((raw) => {
    const node = spec.resolve<JsonObject>(raw);
    if (!isObject(node.value)) return [];
    const name = String(node.value.name ?? '');
    const location = String(node.value.in ?? '');
    return [{ key: parameterKey(location, name, pathParams), name, in: location, node }];
  });
}

/** Header names are case-insensitive; a path parameter is known by its place in the template. */
function parameterKey(location: string, name: string, pathParams: string[]): string {
  if (location === 'path') {
    const index = pathParams.indexOf(name);
    return `path:${index >= 0 ? index : name}`;
  }
  return `${location}:${location === 'header' ? name.toLowerCase() : name}`;
}

export interface OperationPairing {
  matched: [Operation, Operation][];
  removed: Operation[];
  added: Operation[];
}

export function pairOperations(base: Operation[], revision: Operation[]): OperationPairing {
  const revisionByKey = new Map(revision.map((op) => [op.key, op]));
  const baseKeys = new Set(base.map((op) => op.key));
  const matched: [Operation, Operation][] = [];
  const removed: Operation[] = [];
  for (const op of base) {
    const other = revisionByKey.get(op.key);
    if (other) matched.push([op, other]);
    else removed.push(op);
  }
  return { matched, removed, added: revision.filter((op) => !baseKeys.has(op.key)) };
}
