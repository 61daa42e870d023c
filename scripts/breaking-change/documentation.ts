// Words and examples: a change to them is reported (compatible) but never breaks a client.
// Example Objects are compared by their resolved values, so moving an example into a component
// or renaming that component is no change at all.
import stringify from 'fast-json-stable-stringify';
import type { Scope } from './context.ts';
import { isObject, type Node, pointerTo, type Spec } from './spec.ts';

const TEXT_KEYS = ['summary', 'title', 'description'] as const;

export function compareTexts(scope: Scope, base: Node | undefined, revision: Node | undefined, subject: string): void {
  if (!base || !revision || !isObject(base.value) || !isObject(revision.value)) return;
  for (const key of TEXT_KEYS) {
    const before = base.value[key];
    const after = revision.value[key];
    if (before === after) continue;
    const what = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    scope.report({
      rule: 'doc.text-changed',
      ...(before !== undefined ? { base: pointerTo(base.pointer, key) } : {}),
      ...(after !== undefined ? { revision: pointerTo(revision.pointer, key) } : {}),
      change: `${key} ${what}`,
      subject,
    });
  }
}

export function compareExamples(scope: Scope, base: Node | undefined, revision: Node | undefined, subject: string): void {
  if (!base || !revision) return;
  const before = exampleValues(scope.base, base);
  const after = exampleValues(scope.revision, revision);
  if (before.text === after.text) return;
  scope.report({
    rule: 'doc.example-changed',
    ...(before.pointer ? { base: before.pointer } : {}),
    ...(after.pointer ? { revision: after.pointer } : {}),
    change: `examples ${before.pointer === undefined ? 'added' : after.pointer === undefined ? 'removed' : 'changed'}`,
    subject,
  });
}

/** Every example a node documents (`example`, `examples` as a list or as Example Objects). */
function exampleValues(spec: Spec, node: Node): { text: string; pointer?: string } {
  if (!isObject(node.value)) return { text: '' };
  const values: unknown[] = [];
  let at: string | undefined;
  if ('example' in node.value) {
    values.push(node.value.example);
    at = pointerTo(node.pointer, 'example');
  }
  const examples = spec.child(node, 'examples');
  if (examples) {
    at = examples.pointer;
    if (Array.isArray(examples.value)) values.push(...examples.value);
    else {
      for (const [name, raw] of spec.entries(examples)) {
        const example = spec.resolve(raw).value;
        values.push({ name, value: isObject(example) ? (example.value ?? example.externalValue) : example });
      }
    }
  }
  return { text: values.length === 0 ? '' : stringify(values), ...(at ? { pointer: at } : {}) };
}
