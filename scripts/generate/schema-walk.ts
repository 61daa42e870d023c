// Visits every Schema Object of an OpenAPI document: component schemas, the `schema` of
// parameters, headers and media types, and all their subschemas. Example values and `x-`
// extensions are never entered, so an example that happens to contain a key named `schema`
// or `const` is left alone.
import { isObject, type JsonObject } from './openapi-document.ts';

export type SchemaVisitor = (schema: JsonObject, pointer: string) => void;

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'oneOf', 'anyOf', 'prefixItems'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'];

export function forEachSchema(document: JsonObject, visit: SchemaVisitor): void {
  walkNode(document, '#', visit);
}

function walkNode(node: unknown, pointer: string, visit: SchemaVisitor): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => walkNode(item, `${pointer}/${index}`, visit));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const at = `${pointer}/${escape(key)}`;
    if (key.startsWith('x-') || key === 'example' || key === 'examples') continue;
    if (key === 'schema') walkSchema(value, at, visit);
    else if (key === 'schemas' && pointer === '#/components' && isObject(value)) {
      for (const [name, schema] of Object.entries(value)) walkSchema(schema, `${at}/${escape(name)}`, visit);
    } else walkNode(value, at, visit);
  }
}

function walkSchema(schema: unknown, pointer: string, visit: SchemaVisitor): void {
  if (!isObject(schema)) return;
  visit(schema, pointer);
  for (const key of SUBSCHEMA_MAPS) {
    const map = schema[key];
    if (isObject(map)) for (const [name, sub] of Object.entries(map)) walkSchema(sub, `${pointer}/${key}/${escape(name)}`, visit);
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((sub, index) => walkSchema(sub, `${pointer}/${key}/${index}`, visit));
  }
  for (const key of SUBSCHEMAS) walkSchema(schema[key], `${pointer}/${key}`, visit);
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
