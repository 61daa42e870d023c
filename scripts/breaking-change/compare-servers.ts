// Base URLs. A server is known by its URL (without a trailing slash); clients configured with a
// removed one lose it, a new one is only an extra choice.
import { type DiffContext, scopeFor } from './context.ts';
import { compareTexts } from './documentation.ts';
import { isObject, type Node, type Spec } from './spec.ts';

export function compareServers(context: DiffContext): void {
  const before = serversOf(context.base);
  const after = serversOf(context.revision);
  const scope = scopeFor(context);
  for (const [url, node] of before) {
    const match = after.get(url);
    if (match) compareTexts(scope, node, match, `server ${url}`);
    else scope.report({ rule: 'server.removed', base: node.pointer, change: 'removed', subject: `server ${url}` });
  }
  for (const [url, node] of after) {
    if (!before.has(url)) scope.report({ rule: 'server.added', revision: node.pointer, change: 'added', subject: `server ${url}` });
  }
}

function serversOf(spec: Spec): Map<string, Node> {
  const servers = new Map<string, Node>();
  for (const node of spec.items(spec.child(spec.root(), 'servers'))) {
    if (isObject(node.value) && typeof node.value.url === 'string') servers.set(node.value.url.replace(/\/+$/, ''), node);
  }
  return servers;
}
