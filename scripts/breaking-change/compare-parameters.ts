// Parameters of one operation pair. A parameter is known by where it goes and its name (header
// names without case); path parameters by their place in the URL, whose names are never sent.
import { compareSchemas, startWalk } from './compare-schemas.ts';
import type { Scope } from './context.ts';
import { compareExamples, compareTexts } from './documentation.ts';
import { fingerprint } from './fingerprint.ts';
import type { Operation, Parameter } from './operations.ts';
import { type Node, pointerTo, type Spec } from './spec.ts';

export function compareParameters(scope: Scope, base: Operation, revision: Operation): void {
  const after = new Map(revision.parameters.map((p) => [p.key, p]));
  const beforeKeys = new Set(base.parameters.map((p) => p.key));
  const removed: Parameter[] = [];
  for (const parameter of base.parameters) {
    const match = after.get(parameter.key);
    if (match) compareParameter(scope, parameter, match);
    else removed.push(parameter);
  }
  const added = revision.parameters.filter((p) => !beforeKeys.has(p.key));
  pairMovedAndRenamed(scope, removed, added);
  for (const parameter of removed) {
    scope.report({ rule: 'param.removed', base: parameter.node.pointer, change: 'removed', subject: describe(parameter) });
  }
  for (const parameter of added) {
    const required = parameter.node.value.required === true;
    scope.report({
      rule: required ? 'param.required-added' : 'param.optional-added',
      revision: parameter.node.pointer,
      change: `added${required ? ' (required)' : ''}`,
      subject: describe(parameter),
    });
  }
}

/** Takes the moved (same name, elsewhere) and renamed (same place and meaning) pairs out of both lists. */
function pairMovedAndRenamed(scope: Scope, removed: Parameter[], added: Parameter[]): void {
  for (const parameter of [...removed]) {
    const moved = added.find((other) => other.name.toLowerCase() === parameter.name.toLowerCase() && other.in !== parameter.in);
    const sameMeaning = (other: Parameter) =>
      other.in === parameter.in && meaning(scope.base, parameter) === meaning(scope.revision, other);
    const onlyOneEach = (other: Parameter) =>
      other.in === parameter.in && removed.filter((p) => p.in === parameter.in).length === 1 && added.filter((p) => p.in === other.in).length === 1;
    const renamed = moved ? undefined : (added.find(sameMeaning) ?? added.find(onlyOneEach));
    const match = moved ?? renamed;
    if (!match) continue;
    removed.splice(removed.indexOf(parameter), 1);
    added.splice(added.indexOf(match), 1);
    scope.report({
      rule: moved ? 'param.moved' : 'param.renamed',
      base: parameter.node.pointer,
      revision: match.node.pointer,
      change: `was ${describe(parameter)}`,
      subject: describe(match),
    });
    compareParameter(scope, parameter, match);
  }
}

function compareParameter(scope: Scope, before: Parameter, after: Parameter): void {
  const subject = describe(after);
  const b = before.node.value;
  const r = after.node.value;
  if (before.in === 'path' && after.in === 'path' && before.name !== after.name) {
    scope.report({ rule: 'param.path-renamed', base: before.node.pointer, revision: after.node.pointer, change: `renamed from ${before.name}`, subject });
  }
  if ((b.required === true) !== (r.required === true)) {
    const nowRequired = r.required === true;
    scope.report({
      rule: nowRequired ? 'param.made-required' : 'param.made-optional',
      base: pointerTo(before.node.pointer, 'required'),
      revision: pointerTo(after.node.pointer, 'required'),
      change: nowRequired ? 'now required' : 'no longer required',
      subject,
    });
  }
  const styleBefore = serialization(before);
  const styleAfter = serialization(after);
  if (styleBefore !== styleAfter && before.in === after.in) {
    scope.report({ rule: 'param.serialization-changed', base: before.node.pointer, revision: after.node.pointer, change: `serialization ${styleBefore} → ${styleAfter}`, subject });
  }
  if (b.deprecated !== true && r.deprecated === true) {
    scope.report({ rule: 'param.deprecated', revision: pointerTo(after.node.pointer, 'deprecated'), change: 'deprecated', subject });
  }
  compareTexts(scope, before.node, after.node, subject);
  compareExamples(scope, before.node, after.node, subject);
  const schemaBefore = schemaOf(scope.base, before);
  const schemaAfter = schemaOf(scope.revision, after);
  if (schemaBefore && schemaAfter) compareSchemas(scope, [schemaBefore], [schemaAfter], startWalk('request', subject));
}

export function describe(parameter: Parameter): string {
  return `${parameter.in} parameter ${parameter.name}`;
}

/** The parameter's schema: `schema`, or the schema of its single `content` entry. */
function schemaOf(spec: Spec, parameter: Parameter): Node | undefined {
  const schema = spec.child(parameter.node, 'schema');
  if (schema) return schema;
  const content = spec.entries(spec.child(parameter.node, 'content'))[0]?.[1];
  return content ? spec.child(spec.resolve(content), 'schema') : undefined;
}

/** style/explode with OpenAPI's defaults filled in: form+explode for query and cookie, simple otherwise. */
function serialization(parameter: Parameter): string {
  const value = parameter.node.value;
  const style = typeof value.style === 'string' ? value.style : parameter.in === 'query' || parameter.in === 'cookie' ? 'form' : 'simple';
  const explode = typeof value.explode === 'boolean' ? value.explode : style === 'form';
  return `${style}${explode ? '+explode' : ''}`;
}

function meaning(spec: Spec, parameter: Parameter): string {
  const schema = schemaOf(spec, parameter);
  return `${parameter.node.value.required === true}|${schema ? fingerprint(spec, schema) : ''}`;
}
