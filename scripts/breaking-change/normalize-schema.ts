// A schema reduced to the constraints a value must meet, whatever way the document spells them:
// `$ref`s and `allOf` parts are merged (the strictest bound wins), `const: x` and `enum: [x]` are
// the same allowed-value set, `oneOf: [T, {type: null}]` and `type: [t, "null"]` are both "T or
// null". Each constraint keeps the pointer of the keyword that sets it, for the report.
import stringify from 'fast-json-stable-stringify';
import { isObject, type JsonObject, type Node, pointerTo, type Spec } from './spec.ts';

export const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
export const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
export type BoundKeyword = (typeof LOWER_BOUNDS)[number] | (typeof UPPER_BOUNDS)[number];

export interface Located<T> {
  value: T;
  pointer: string;
}

export interface Variants {
  pointer: string;
  branches: Node[];
  discriminator?: string;
}

export interface NormalSchema {
  /** The merged parts, resolved; the first is the schema as referenced. */
  parts: Node<JsonObject>[];
  /** The JSON types allowed, `null` aside; undefined means any type. */
  types?: Located<Set<string>>;
  allowsNull: Located<boolean>;
  /** The allowed values (`const`, `enum`), as canonical JSON; undefined means no such limit. */
  values?: Located<Map<string, unknown>>;
  bounds: Partial<Record<BoundKeyword, Located<number>>>;
  multipleOf?: Located<number>;
  uniqueItems?: Located<true>;
  /** pattern → pointer. */
  patterns: Map<string, string>;
  format?: Located<string>;
  /** property name → its schemas (one per part that declares it), as written. */
  properties: Map<string, Node[]>;
  /** property name → pointer of the `required` list that names it. */
  required: Map<string, string>;
  /** Set when unknown properties are refused: the pointer of that `false`. */
  closed?: string;
  additionalProperties: Node[];
  items: Node[];
  variants?: Variants;
  readOnly: boolean;
  writeOnly: boolean;
}

export function canonical(value: unknown): string {
  return stringify(value);
}

// Shared components are reached from many operations: normalize each once per document.
const cache = new WeakMap<Spec, Map<string, NormalSchema>>();

export function normalizeSchema(spec: Spec, nodes: Node[]): NormalSchema {
  let known = cache.get(spec);
  if (!known) cache.set(spec, (known = new Map()));
  const key = nodes.map((node) => node.pointer).join('\u0000');
  let schema = known.get(key);
  if (!schema) known.set(key, (schema = normalizeUncached(spec, nodes)));
  return schema;
}

function normalizeUncached(spec: Spec, nodes: Node[]): NormalSchema {
  const parts: Node<JsonObject>[] = [];
  const seen = new Set<string>();
  for (const node of nodes) flatten(spec, node, parts, seen);

  let variants = findVariants(spec, parts);
  let nullBranch: string | undefined;
  if (variants) {
    const nonNull = variants.branches.filter((branch) => !isNullOnly(spec, branch));
    if (nonNull.length < variants.branches.length) {
      nullBranch = variants.pointer;
      // `oneOf: [T, {type: null}]` is T or null: merge T in and forget the union.
      if (nonNull.length === 1) {
        flatten(spec, nonNull[0]!, parts, seen);
        variants = findVariants(spec, parts.filter((part) => part.pointer !== variants!.pointer.replace(/\/(oneOf|anyOf)$/, '')));
      } else {
        variants = { ...variants, branches: nonNull };
      }
    }
  }

  const schema: NormalSchema = {
    parts,
    allowsNull: { value: true, pointer: parts[0]?.pointer ?? '#' },
    bounds: {},
    patterns: new Map(),
    properties: new Map(),
    required: new Map(),
    additionalProperties: [],
    items: [],
    readOnly: false,
    writeOnly: false,
    ...(variants ? { variants } : {}),
  };
  readTypes(schema, parts, nullBranch);
  readValues(schema, parts);
  for (const part of parts) readPart(spec, schema, part);
  return schema;
}

/** A schema and its `allOf` parts (and the target of a `$ref`, with its siblings), resolved. */
function flatten(spec: Spec, node: Node, out: Node<JsonObject>[], seen: Set<string>): void {
  if (!isObject(node.value)) {
    // `true`/`false` schemas: `false` allows nothing, which no Herald schema uses; treat as empty.
    return;
  }
  if (seen.has(node.pointer)) return;
  seen.add(node.pointer);
  const value = node.value;
  if (typeof value.$ref === 'string') {
    // In 3.1 a `$ref` may have sibling keywords; they apply together with the target.
    if (Object.keys(value).some((key) => key !== '$ref')) out.push(node as Node<JsonObject>);
    flatten(spec, spec.resolve(node), out, seen);
    for (const part of spec.items(spec.child(node, 'allOf'))) flatten(spec, part, out, seen);
    return;
  }
  out.push(node as Node<JsonObject>);
  for (const part of spec.items(spec.child(node, 'allOf'))) flatten(spec, part, out, seen);
}

function findVariants(spec: Spec, parts: Node<JsonObject>[]): Variants | undefined {
  for (const part of parts) {
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const list = spec.child(part, keyword);
      if (!list || !Array.isArray(list.value)) continue;
      const discriminator = isObject(part.value.discriminator) ? part.value.discriminator.propertyName : undefined;
      return {
        pointer: list.pointer,
        branches: spec.items(list),
        ...(typeof discriminator === 'string' ? { discriminator } : {}),
      };
    }
  }
  return undefined;
}

function isNullOnly(spec: Spec, branch: Node): boolean {
  const value = spec.resolve(branch).value;
  if (!isObject(value)) return false;
  const type = value.type;
  return type === 'null' || (Array.isArray(type) && type.length === 1 && type[0] === 'null') || (value.const === null && type === undefined);
}

function typesOf(part: JsonObject): Set<string> | undefined {
  const type = part.type;
  const list = typeof type === 'string' ? [type] : Array.isArray(type) ? type.map(String) : undefined;
  if (!list) return undefined;
  const set = new Set(list);
  if (part.nullable === true) set.add('null'); // OpenAPI 3.0
  return set;
}

function readTypes(schema: NormalSchema, parts: Node<JsonObject>[], nullBranch: string | undefined): void {
  let types: Set<string> | undefined;
  let pointer: string | undefined;
  for (const part of parts) {
    const own = typesOf(part.value);
    if (!own) continue;
    types = types === undefined ? own : intersectTypes(types, own);
    pointer ??= pointerTo(part.pointer, 'type');
  }
  if (types !== undefined && pointer !== undefined) {
    const allowsNull = types.has('null');
    types.delete('null');
    schema.types = { value: types, pointer };
    schema.allowsNull = { value: allowsNull || nullBranch !== undefined, pointer: nullBranch ?? pointer };
  } else if (nullBranch !== undefined) {
    schema.allowsNull = { value: true, pointer: nullBranch };
  }
}

/** `integer` is a kind of `number`: number ∩ integer = integer. */
function intersectTypes(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const type of a) {
    if (b.has(type)) out.add(type);
    else if (type === 'number' && b.has('integer')) out.add('integer');
    else if (type === 'integer' && b.has('number')) out.add('integer');
  }
  return out;
}

function readValues(schema: NormalSchema, parts: Node<JsonObject>[]): void {
  let values: Map<string, unknown> | undefined;
  let pointer: string | undefined;
  let smallest = Infinity;
  for (const part of parts) {
    const candidates: [string, unknown[]][] = [];
    if ('const' in part.value) candidates.push(['const', [part.value.const]]);
    if (Array.isArray(part.value.enum)) candidates.push(['enum', part.value.enum]);
    for (const [keyword, list] of candidates) {
      const own = new Map(list.map((value) => [canonical(value), value]));
      values = values === undefined ? own : new Map([...values].filter(([key]) => own.has(key)));
      // Report at the keyword that limits most: `const` beside a longer `enum`.
      if (own.size < smallest) {
        smallest = own.size;
        pointer = pointerTo(part.pointer, keyword);
      }
    }
  }
  if (values !== undefined && pointer !== undefined) {
    schema.values = { value: values, pointer };
    if (schema.types === undefined) schema.allowsNull = { value: values.has('null'), pointer };
  }
}

function readPart(spec: Spec, schema: NormalSchema, part: Node<JsonObject>): void {
  const value = part.value;
  for (const keyword of LOWER_BOUNDS) tighten(schema, keyword, bound(value, keyword), part, Math.max);
  for (const keyword of UPPER_BOUNDS) tighten(schema, keyword, bound(value, keyword), part, Math.min);
  if (typeof value.multipleOf === 'number' && !schema.multipleOf) {
    schema.multipleOf = { value: value.multipleOf, pointer: pointerTo(part.pointer, 'multipleOf') };
  }
  if (value.uniqueItems === true && !schema.uniqueItems) {
    schema.uniqueItems = { value: true, pointer: pointerTo(part.pointer, 'uniqueItems') };
  }
  if (typeof value.pattern === 'string' && !schema.patterns.has(value.pattern)) {
    schema.patterns.set(value.pattern, pointerTo(part.pointer, 'pattern'));
  }
  if (typeof value.format === 'string' && !schema.format) {
    schema.format = { value: value.format, pointer: pointerTo(part.pointer, 'format') };
  }
  for (const [name, property] of spec.entries(spec.child(part, 'properties'))) {
    schema.properties.set(name, [...(schema.properties.get(name) ?? []), property]);
  }
  if (Array.isArray(value.required)) {
    for (const name of value.required) {
      if (typeof name === 'string' && !schema.required.has(name)) schema.required.set(name, pointerTo(part.pointer, 'required'));
    }
  }
  for (const keyword of ['additionalProperties', 'unevaluatedProperties'] as const) {
    const child = spec.child(part, keyword);
    if (!child) continue;
    if (child.value === false) schema.closed ??= child.pointer;
    else if (isObject(child.value) && Object.keys(child.value).length > 0) schema.additionalProperties.push(child);
  }
  const items = spec.child(part, 'items');
  if (items && isObject(items.value)) schema.items.push(items);
  if (value.readOnly === true) schema.readOnly = true;
  if (value.writeOnly === true) schema.writeOnly = true;
}

/** A bound keyword's number; OpenAPI 3.0's boolean `exclusiveMinimum: true` becomes 3.1's number. */
function bound(value: JsonObject, keyword: BoundKeyword): number | undefined {
  const own = value[keyword];
  if (typeof own === 'number') return own;
  if (own === true && keyword === 'exclusiveMinimum' && typeof value.minimum === 'number') return value.minimum;
  if (own === true && keyword === 'exclusiveMaximum' && typeof value.maximum === 'number') return value.maximum;
  return undefined;
}

function tighten(
  schema: NormalSchema,
  keyword: BoundKeyword,
  value: number | undefined,
  part: Node<JsonObject>,
  stricter: (a: number, b: number) => number,
): void {
  if (value === undefined) return;
  const current = schema.bounds[keyword];
  if (current === undefined || stricter(current.value, value) !== current.value) {
    schema.bounds[keyword] = { value, pointer: pointerTo(part.pointer, keyword) };
  }
}
