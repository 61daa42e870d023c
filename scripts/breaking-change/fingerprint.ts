// What a thing means on the wire, as one string: references resolved, words and examples left
// out. Two headers or parameters with one fingerprint carry the same values, which is how a
// rename (one removed, one added, same meaning) is told from a removal plus an addition.
import stringify from 'fast-json-stable-stringify';
import { isObject, type Node, type Spec } from './spec.ts';

const WORDS = new Set(['description', 'summary', 'title', 'example', 'examples']);
/** Maps whose keys are names (a property may be called `title`), not keywords. */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'headers', 'content', 'mapping']);

export function fingerprint(spec: Spec, node: Node): string {
  return stringify(meaning(spec, node, new Set()));
}

function meaning(spec: Spec, node: Node, stack: Set<string>, names = false): unknown {
  const resolved = spec.resolve(node);
  if (stack.has(resolved.pointer)) return { $cycle: true };
  if (Array.isArray(resolved.value)) {
    stack.add(resolved.pointer);
    const out = spec.items(resolved).map((item) => meaning(spec, item, stack));
    stack.delete(resolved.pointer);
    return out;
  }
  if (!isObject(resolved.value)) return resolved.value;
  stack.add(resolved.pointer);
  const out: Record<string, unknown> = {};
  for (const [key, child] of spec.entries(resolved)) {
    if (!names && (WORDS.has(key) || key.startsWith('x-'))) continue;
    out[key] = meaning(spec, child, stack, !names && NAME_MAPS.has(key));
  }
  stack.delete(resolved.pointer);
  return out;
}
