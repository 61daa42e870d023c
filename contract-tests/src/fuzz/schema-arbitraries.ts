import fc from 'fast-check';
import type { JsonObject, SpecDocument } from '../spec/spec-document.ts';
import { anything, ASCII_PRINTABLE, charArb, charFromRanges, codePoints, forbiddenCharArb, type Allowed, type Flavour } from './characters.ts';
import { classAllows, parsePattern, type SimplePattern } from './pattern.ts';

/**
 * fast-check arbitraries derived from a schema of the bundled spec (JSON Schema 2020-12, as
 * OpenAPI 3.1 uses it), built on fast-check's combinators so that every value shrinks. For each
 * schema node, three things:
 *
 * - `arb`: values valid for it;
 * - `edges`: values valid for it with one part pinned to an edge — a string at its exact maximum
 *   length in ASCII and in astral characters, at its minimum, an integer at each bound, an array
 *   at its bounds, every optional property present — each tried on purpose, not left to chance;
 * - `sites`: values that break exactly one constraint in one place (type, required, enum/const,
 *   pattern, format, length and range bounds, additionalProperties, uniqueItems, array and
 *   property-count bounds), everything else valid.
 *
 * The ajv validator of the spec stays the judge (request-cases.ts): a drawn value that is not what
 * it was meant to be (valid, or broken in the intended keyword) is not sent.
 */
export interface Variant {
  label: string;
  /** JSON pointer of the place (`/scopes/0`, `/name`). */
  pointer: string;
  /** The JSON Schema keyword the variant breaks (sites only). */
  keyword?: string;
  arb: fc.Arbitrary<unknown>;
  /** How many different values it can take, when few (drawing it more often repeats itself). */
  distinct?: number;
}

export interface NodeGen {
  arb: fc.Arbitrary<unknown>;
  edges: Variant[];
  sites: Variant[];
}

/** Where a value goes: in a JSON body, or as the text of a parameter. */
export type Location = 'body' | 'query' | 'header' | 'path';

export interface CompileContext {
  spec: SpecDocument;
  location: Location;
  /** Replaces the generator of one place (the name of a key the suite creates). */
  override?(pointer: string, schema: JsonObject, compileDefault: () => NodeGen): NodeGen | undefined;
}

/** A timestamp drawn as a distance into the target's future and a way of writing it; written at send time. */
export class LateTimestamp {
  constructor(readonly offsetSeconds: number, readonly style: number) {}
}

/** Text to put after the run's key-name prefix, at send time. */
export class LateKeyName {
  constructor(readonly suffix: string) {}
}

/** Ways of writing an RFC 3339 date-time: separators, case, fractions, offsets. */
export const TIMESTAMP_STYLES = 9;
const LONG_FRACTION_STYLE = 99;

export function writeTimestamp(epochMs: number, style: number): string {
  const offsets = [0, 0, 0, 0, 330, -0, 840, -720, 0];
  const offsetMinutes = style === LONG_FRACTION_STYLE ? 0 : offsets[style % offsets.length];
  const local = new Date(Math.floor(epochMs / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const zone = offsetMinutes === 0 ? (style === 5 ? '-00:00' : 'Z') : `${offsetMinutes > 0 ? '+' : '-'}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
  switch (style) {
    case 1: return `${local}.5${zone}`;
    case 2: return `${local}.000000001${zone}`;
    case 3: return `${local.replace('T', 't')}${zone.toLowerCase()}`;
    case 8: return `${local.replace('T', ' ')}${zone}`;
    case LONG_FRACTION_STYLE: return `${local}.${'0'.repeat(60)}1Z`;
    default: return `${local}${zone}`;
  }
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
/** Strings without a maxLength are drawn up to this long. */
const UNBOUNDED_STRING = 64;

export function compile(node: unknown, pointer: string, ctx: CompileContext, depth = 0): NodeGen {
  const schema = merged(ctx.spec, node);
  const compileDefault = () => compileSchema(schema, pointer, ctx, depth);
  return ctx.override?.(pointer, schema, compileDefault) ?? compileDefault();
}

function compileSchema(schema: JsonObject, pointer: string, ctx: CompileContext, depth: number): NodeGen {
  if (depth > 8) return { arb: fc.constant(null), edges: [], sites: [] };
  if ('const' in schema) return constGen(schema.const, pointer, ctx);
  if (Array.isArray(schema.enum)) return enumGen(schema.enum, pointer, ctx);
  const branches = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    const gens = branches.map((branch) => compile(branch, pointer, ctx, depth + 1));
    return { arb: fc.oneof(...gens.map((g) => g.arb)), edges: gens.flatMap((g) => g.edges), sites: gens.flatMap((g) => g.sites) };
  }
  const type = schema.type;
  if (Array.isArray(type)) {
    const gens = type.map((t) => compileSchema({ ...schema, type: t }, pointer, ctx, depth));
    return { arb: fc.oneof(...gens.map((g) => g.arb)), edges: gens.flatMap((g) => g.edges), sites: [] };
  }
  switch (type) {
    case 'object':
      return objectGen(schema, pointer, ctx, depth);
    case 'array':
      return arrayGen(schema, pointer, ctx, depth);
    case 'string':
      return stringGen(schema, pointer, ctx);
    case 'integer':
    case 'number':
      return numberGen(schema, pointer, ctx, type);
    case 'boolean':
      return { arb: fc.boolean(), edges: [], sites: typeSites('boolean', pointer, ctx) };
    case 'null':
      return { arb: fc.constant(null), edges: [], sites: [] };
    default:
      return { arb: jsonValue(2), edges: [], sites: [] };
  }
}

/** A schema with its `$ref`s followed and its `allOf` parts merged into one. */
export function merged(spec: SpecDocument, node: unknown): JsonObject {
  const schema = spec.deref<JsonObject>(node ?? {});
  if (!Array.isArray(schema.allOf)) return schema;
  let out: JsonObject = { ...schema };
  delete out.allOf;
  for (const part of schema.allOf) {
    const m = merged(spec, part);
    out = {
      ...m,
      ...out,
      properties: { ...(m.properties as JsonObject | undefined), ...(out.properties as JsonObject | undefined) },
      required: [...new Set([...((m.required as string[]) ?? []), ...((out.required as string[]) ?? [])])],
    };
  }
  if ((out.required as string[]).length === 0) delete out.required;
  if (Object.keys(out.properties as JsonObject).length === 0) delete out.properties;
  return out;
}

function constGen(value: unknown, pointer: string, ctx: CompileContext): NodeGen {
  return { arb: fc.constant(value), edges: [], sites: [{ label: `${pointer || 'the value'} other than its const`, pointer, keyword: 'const', arb: nearMisses([value], ctx) }] };
}

function enumGen(values: unknown[], pointer: string, ctx: CompileContext): NodeGen {
  return { arb: fc.constantFrom(...values), edges: [], sites: [{ label: `${pointer || 'the value'} outside its enum`, pointer, keyword: 'enum', arb: nearMisses(values, ctx) }] };
}

/** Strings that are almost a member: another case, a space more, a character more, a neighbour. */
function nearMisses(values: unknown[], ctx: CompileContext): fc.Arbitrary<unknown> {
  const strings = values.filter((v): v is string => typeof v === 'string');
  const base = strings.length > 0 ? fc.constantFrom(...strings) : fc.constant('x');
  const changed = fc.tuple(base, fc.constantFrom('upper', 'space', 'suffix', 'prefix', 'empty')).map(([v, how]) => {
    switch (how) {
      case 'upper': return v.toUpperCase() === v ? v.toLowerCase() : v.toUpperCase();
      case 'space': return `${v} `;
      case 'suffix': return `${v}x`;
      case 'prefix': return `x${v}`;
      default: return '';
    }
  });
  return ctx.location === 'header' ? changed.filter((v) => v.trim() === v) : changed;
}

/** Values of another type, one site per kind of wrong value (each kind is tried, not left to chance). */
function typeSites(type: string, pointer: string, ctx: CompileContext): Variant[] {
  const where = pointer || 'the value';
  const site = (what: string, values: unknown[]): Variant => ({ label: `${where} ${what} instead of ${article(type)}`, pointer, keyword: 'type', arb: fc.constantFrom(...values), distinct: values.length });
  if (ctx.location !== 'body') {
    // Parameters travel as text: only text that does not read as the type breaks it.
    if (type === 'integer' || type === 'number') return [site('as text that is not a number', ['abc', 'NaN', '5abc', '0x1A'])];
    if (type === 'boolean') return [site('as text that is not a boolean', ['yes', '1'])];
    return [];
  }
  const kinds: Record<string, Array<[string, unknown[]]>> = {
    string: [['as a number', [7]], ['as a boolean', [true]], ['as null', [null]], ['as a list or object', [[], {}, ['x']]]],
    integer: [['as a string of digits', ['7']], ['as a boolean', [true]], ['as null', [null]], ['as a list or object', [[], {}]]],
    number: [['as a string of digits', ['7']], ['as a boolean', [true]], ['as null', [null]], ['as a list or object', [[], {}]]],
    boolean: [['as a string', ['true']], ['as a number', [0]], ['as null', [null]]],
    object: [['as a list', [[]]], ['as a string or number', ['x', 1]], ['as null', [null]]],
    array: [['as a string', ['x']], ['as an object', [{}]], ['as null', [null]]],
  };
  return (kinds[type] ?? []).map(([what, values]) => site(what, values));
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function objectGen(schema: JsonObject, pointer: string, ctx: CompileContext, depth: number): NodeGen {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const names = Object.keys(properties);
  const required = ((schema.required ?? []) as string[]).filter((r) => names.includes(r));
  if (names.length === 0 && schema.additionalProperties !== false) return dictionaryGen(schema, pointer, ctx);
  const children = Object.fromEntries(names.map((name) => [name, compile(properties[name], `${pointer}/${escape(name)}`, ctx, depth + 1)]));
  const model = Object.fromEntries(names.map((name) => [name, children[name].arb]));
  const arb = fc.record(model, { requiredKeys: required });
  const withChild = (name: string, variant: Variant): Variant => ({ ...variant, arb: fc.record({ ...model, [name]: variant.arb }, { requiredKeys: [...new Set([...required, name])] }) });
  const edges = names.flatMap((name) => children[name].edges.map((edge) => withChild(name, edge)));
  const optional = names.filter((n) => !required.includes(n));
  if (optional.length > 0) edges.push({ label: `${pointer || 'the body'} with every optional property`, pointer, arb: fc.record(model, { requiredKeys: names }) });
  const sites = names.flatMap((name) => children[name].sites.map((site) => withChild(name, site)));
  for (const name of required) {
    sites.push({ label: `${pointer || 'the body'} without its required ${name}`, pointer: `${pointer}/${escape(name)}`, keyword: 'required', arb: arb.map((value) => omit(value as JsonObject, name)) });
  }
  if (schema.additionalProperties === false) {
    const extra = fc.oneof(
      fc.constantFrom(...names).map((n) => `${n.charAt(0).toUpperCase()}${n.slice(1)}`),
      fc.constantFrom(...names).map((n) => `${n}_`),
      fc.string({ unit: charArb('mixed', anything)!, minLength: 1, maxLength: 12 }),
    ).filter((n) => !names.includes(n));
    sites.push({
      label: `${pointer || 'the body'} with a property the schema does not allow`, pointer, keyword: 'additionalProperties',
      arb: fc.tuple(arb, extra.filter((n) => !PROTOTYPE_NAMES.has(n)), jsonValue(1)).map(([value, name, extraValue]) => ({ ...(value as JsonObject), [name]: extraValue })),
    });
  }
  sites.push(...typeSites('object', pointer, ctx));
  return { arb, edges, sites };
}

/**
 * Property names JSON parsers that guard against prototype poisoning refuse (fastify's, the
 * reference server's, among them): valid JSON and valid for the schemas, but not drawn — the
 * README says why.
 */
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

function withoutPrototypeNames(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(withoutPrototypeNames);
  if (value && typeof value === 'object') return Object.entries(value).every(([k, v]) => !PROTOTYPE_NAMES.has(k) && withoutPrototypeNames(v));
  return true;
}

/** JSON values of any kind, small, without prototype names. */
function jsonValue(maxDepth: number): fc.Arbitrary<unknown> {
  return fc.jsonValue({ maxDepth }).filter(withoutPrototypeNames);
}

/** An object of anything (a webhook's payload): unicode keys, JSON values, up to maxProperties. */
function dictionaryGen(schema: JsonObject, pointer: string, ctx: CompileContext): NodeGen {
  const max = typeof schema.maxProperties === 'number' ? schema.maxProperties : 20;
  const min = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
  const key = fc.string({ unit: charArb('mixed', anything)!, minLength: 0, maxLength: 16 }).filter((k) => !PROTOTYPE_NAMES.has(k));
  const value = jsonValue(2);
  const dict = (minKeys: number, maxKeys: number, values = value) => fc.dictionary(key, values, { minKeys, maxKeys, noNullPrototype: true });
  const arb = dict(min, Math.min(max, 8));
  const edges: Variant[] = [{ label: `${pointer} with exactly ${max} properties`, pointer, arb: dict(max, max, fc.integer()) }];
  const sites: Variant[] = [];
  if (typeof schema.maxProperties === 'number') sites.push({ label: `${pointer} with ${max + 1} properties`, pointer, keyword: 'maxProperties', arb: dict(max + 1, max + 1, fc.integer()) });
  if (min > 0) sites.push({ label: `${pointer} with ${min - 1} properties`, pointer, keyword: 'minProperties', arb: dict(min - 1, min - 1) });
  sites.push(...typeSites('object', pointer, ctx));
  return { arb, edges, sites };
}

function arrayGen(schema: JsonObject, pointer: string, ctx: CompileContext, depth: number): NodeGen {
  const item = compile(schema.items ?? {}, `${pointer}/0`, ctx, depth + 1);
  const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : min + 5;
  const unique = schema.uniqueItems === true;
  const list = (from: number, to: number, items = item.arb) => (unique
    ? fc.uniqueArray(items, { minLength: from, maxLength: to, selector: (v) => JSON.stringify(v) })
    : fc.array(items, { minLength: from, maxLength: to }));
  const arb = list(min, max);
  const edges: Variant[] = [
    { label: `${pointer} with ${min} items (its minimum)`, pointer, arb: list(min, min) },
    { label: `${pointer} with ${max} items (its maximum)`, pointer, arb: list(max, max) },
  ];
  // An item's edge or broken value goes first, the rest of the list stays valid.
  const withItem = (variant: Variant): Variant => ({
    ...variant,
    arb: fc.tuple(list(Math.max(0, min - 1), Math.max(0, max - 1)), variant.arb).map(([rest, first]) => [first, ...(rest as unknown[])]),
  });
  edges.push(...item.edges.map(withItem));
  const sites = item.sites.map(withItem);
  if (min > 0) sites.push({ label: `${pointer} with ${min - 1} items`, pointer, keyword: 'minItems', arb: list(min - 1, min - 1) });
  if (typeof schema.maxItems === 'number') {
    sites.push({ label: `${pointer} with ${max + 1} items`, pointer, keyword: 'maxItems', arb: fc.array(item.arb, { minLength: max + 1, maxLength: max + 1 }) });
  }
  if (unique && max >= 2) {
    sites.push({
      label: `${pointer} with an item twice`, pointer, keyword: 'uniqueItems',
      arb: list(Math.max(1, min - 1), max - 1).map((items) => [...(items as unknown[]), (items as unknown[])[0]]),
    });
  }
  sites.push(...typeSites('array', pointer, ctx));
  return { arb, edges, sites };
}

function numberGen(schema: JsonObject, pointer: string, ctx: CompileContext, type: 'integer' | 'number'): NodeGen {
  const int32 = schema.format === 'int32' || type === 'integer';
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : int32 ? INT32.min : -1e9;
  const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : int32 ? INT32.max : 1e9;
  const text = ctx.location !== 'body';
  const out = (n: number): unknown => (text ? String(n) : n);
  const base = type === 'integer' ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const arb = base.map(out);
  const edges: Variant[] = [
    { label: `${pointer || 'the value'} = ${min} (its minimum)`, pointer, arb: fc.constant(out(min)), distinct: 1 },
    { label: `${pointer || 'the value'} = ${max} (its maximum)`, pointer, arb: fc.constant(out(max)), distinct: 1 },
  ];
  const sites: Variant[] = [];
  if (typeof schema.minimum === 'number' || typeof schema.exclusiveMinimum === 'number') {
    sites.push({ label: `${pointer || 'the value'} = ${min - 1}, below its minimum`, pointer, keyword: 'minimum', arb: fc.constant(out(min - 1)) });
    sites.push({ label: `${pointer || 'the value'} far below its minimum`, pointer, keyword: 'minimum', arb: fc.integer({ min: -(2 ** 40), max: min - 2 }).map(out) });
  }
  if (typeof schema.maximum === 'number' || typeof schema.exclusiveMaximum === 'number') {
    sites.push({ label: `${pointer || 'the value'} = ${max + 1}, above its maximum`, pointer, keyword: 'maximum', arb: fc.constant(out(max + 1)), distinct: 1 });
    sites.push({ label: `${pointer || 'the value'} far above its maximum`, pointer, keyword: 'maximum', arb: fc.integer({ min: max + 2, max: 2 ** 40 }).map(out) });
  }
  if (type === 'integer' && !text) sites.push({ label: `${pointer || 'the value'} with a fraction`, pointer, keyword: 'type', arb: fc.integer({ min: Math.max(min, -1e6), max: Math.min(max - 1, 1e6) }).map((n) => n + 0.5) });
  sites.push(...typeSites(type, pointer, ctx));
  return { arb, edges, sites };
}

function stringGen(schema: JsonObject, pointer: string, ctx: CompileContext): NodeGen {
  const where = pointer || 'the value';
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Math.max(min, UNBOUNDED_STRING);
  const sites: Variant[] = [];
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : undefined;
  const simple = pattern ? parsePattern(pattern) : undefined;
  const allowed: Allowed = ctx.location === 'header' ? (cp) => cp >= 0x21 && cp <= 0x7e : anything;

  let gen: { arb: fc.Arbitrary<unknown>; edges: Variant[] };
  if (format === 'date-time') gen = dateTimeGen(where, pointer);
  else if (format === 'email') gen = emailGen(where, pointer, max);
  else if (format === 'uri') gen = uriGen(where, pointer, max, pattern);
  else if (simple) gen = patternGen(simple, min, max, where, pointer, allowed);
  else if (pattern) gen = { arb: fc.stringMatching(new RegExp(pattern)), edges: [] };
  else gen = patternGen({ prefix: '', cls: { ranges: [], negated: true }, min: 0, max: Infinity, suffix: '', openEnd: false, openStart: false }, min, max, where, pointer, allowed);

  // Broken: too short, too long, off the pattern, not of the format, not a string.
  const classAllowed = simple?.cls ? classAllows(simple.cls) : allowed;
  const filler = (flavour: Flavour) => (simple?.cls && !simple.cls.negated ? charFromRanges(simple.cls.ranges) : charArb(flavour, (cp) => classAllowed(cp) && allowed(cp)));
  if (min > 0) {
    const unit = filler('mixed') ?? filler('ascii');
    if (unit) sites.push({ label: `${where} of ${min - 1} characters, one short of its minimum`, pointer, keyword: 'minLength', arb: lengthExactly(unit, min - 1, simple) });
  }
  if (typeof schema.maxLength === 'number' && format === 'date-time') {
    // A well-formed instant written longer than allowed (a long fraction of a second).
    sites.push({ label: `${where} longer than ${max} characters`, pointer, keyword: 'maxLength', arb: fc.integer({ min: 120, max: 3600 }).map((offset) => new LateTimestamp(offset, LONG_FRACTION_STYLE)) });
  } else if (typeof schema.maxLength === 'number') {
    for (const flavour of ['ascii', 'astral'] as const) {
      const unit = filler(flavour);
      if (unit) sites.push({ label: `${where} of ${max + 1} ${flavour === 'astral' ? 'astral ' : ''}characters, one past its maximum`, pointer, keyword: 'maxLength', arb: lengthExactly(unit, max + 1, simple) });
    }
  }
  if (simple?.cls) {
    const forbidden = forbiddenCharArb(classAllows(simple.cls), ctx.location === 'header' ? (cp) => cp === 0x20 || cp === 0x09 || (cp >= 0x80 && cp <= 0xff) : anything);
    if (forbidden) {
      sites.push({
        label: `${where} with a character its pattern refuses`, pointer, keyword: 'pattern',
        arb: fc.tuple(gen.arb, forbidden, fc.nat()).map(([value, bad, at]) => insertInto(value, bad, at, simple, ctx.location)),
      });
    }
  }
  if (simple && simple.prefix.length > 0 && !simple.openStart) {
    sites.push({
      label: `${where} not starting with ${JSON.stringify(simple.prefix)}`, pointer, keyword: 'pattern',
      arb: fc.tuple(gen.arb, fc.nat(), fc.constantFrom('upper', 'drop', 'swap')).map(([value, at, how]) => breakPrefix(value, simple.prefix, at, how)),
    });
  }
  if (format) sites.push({ label: `${where} that is not a valid ${format}`, pointer, keyword: 'format', arb: invalidFormat(format, ctx) });
  sites.push(...typeSites('string', pointer, ctx));
  return { arb: gen.arb, edges: gen.edges, sites };
}

/** A string from a simple pattern, with a length from min to max (in code points), its bounds tried as edges. */
function patternGen(pattern: SimplePattern, minLength: number, maxLength: number, where: string, pointer: string, allowed: Allowed): { arb: fc.Arbitrary<unknown>; edges: Variant[] } {
  const fixed = codePoints(pattern.prefix) + codePoints(pattern.suffix);
  const lo = Math.max(pattern.min, minLength - fixed, 0);
  const hi = Math.min(pattern.max, maxLength - fixed);
  const around = (body: fc.Arbitrary<string>) => body.map((b) => `${pattern.prefix}${b}${pattern.suffix}`);
  if (!pattern.cls || hi < lo) return { arb: fc.constant(`${pattern.prefix}${pattern.suffix}`), edges: [] };
  const cls = pattern.cls;
  const units: Array<[Flavour, fc.Arbitrary<string>]> = !cls.negated
    ? [['ascii', charFromRanges(cls.ranges.length > 0 ? cls.ranges : ASCII_PRINTABLE)]]
    : (['ascii', 'mixed', 'astral'] as const).map((f) => [f, charArb(f, (cp) => classAllows(cls)(cp) && allowed(cp))] as [Flavour, fc.Arbitrary<string> | undefined])
      .filter((u): u is [Flavour, fc.Arbitrary<string>] => u[1] !== undefined);
  const mixed = units.find(([f]) => f === 'mixed')?.[1] ?? units[0][1];
  const arb = around(fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: mixed, minLength: lo, maxLength: hi }) },
    ...units.map(([, unit]) => ({ weight: 1, arbitrary: fc.string({ unit, minLength: lo, maxLength: hi }) })),
  ));
  const edges: Variant[] = [];
  for (const [flavour, unit] of units) {
    if (flavour === 'mixed') continue;
    edges.push({ label: `${where} of ${hi + fixed} ${flavour === 'astral' ? 'astral ' : ''}characters (its maximum)`, pointer, arb: around(fc.string({ unit, minLength: hi, maxLength: hi })) });
  }
  if (lo !== hi) edges.push({ label: `${where} of ${lo + fixed} characters (its minimum)`, pointer, arb: around(fc.string({ unit: mixed, minLength: lo, maxLength: lo })) });
  return { arb, edges };
}

function lengthExactly(unit: fc.Arbitrary<string>, length: number, pattern: SimplePattern | undefined): fc.Arbitrary<string> {
  const fixed = pattern ? codePoints(pattern.prefix) + codePoints(pattern.suffix) : 0;
  const body = Math.max(0, length - fixed);
  const text = fc.string({ unit, minLength: body, maxLength: body });
  return pattern && fixed <= length ? text.map((b) => `${pattern.prefix}${b}${pattern.suffix}`) : fc.string({ unit, minLength: length, maxLength: length });
}

function insertInto(value: unknown, bad: string, at: number, pattern: SimplePattern, location: Location): unknown {
  if (typeof value !== 'string') return value;
  const chars = [...value];
  const start = codePoints(pattern.prefix);
  const end = chars.length - codePoints(pattern.suffix);
  // Headers lose leading and trailing blanks on the way: keep the bad character inside.
  const inner = location === 'header' ? Math.max(start + 1, 1) : start;
  const span = Math.max(0, end - inner - (location === 'header' ? 1 : 0));
  const index = inner + (span === 0 ? 0 : at % (span + 1));
  if (!pattern.cls?.negated && end > start) chars[Math.min(index, end - 1)] = bad;
  else chars.splice(index, 0, bad);
  return chars.join('');
}

function breakPrefix(value: unknown, prefix: string, at: number, how: string): unknown {
  if (typeof value !== 'string' || !value.startsWith(prefix)) return value;
  const rest = value.slice(prefix.length);
  if (how === 'upper') return `${prefix.toUpperCase() === prefix ? prefix.toLowerCase() : prefix.toUpperCase()}${rest}`;
  const index = at % prefix.length;
  if (how === 'drop') return `${prefix.slice(0, index)}${prefix.slice(index + 1)}${rest}`;
  const other = prefix[index] === 'x' ? 'y' : 'x';
  return `${prefix.slice(0, index)}${other}${prefix.slice(index + 1)}${rest}`;
}

function dateTimeGen(where: string, pointer: string): { arb: fc.Arbitrary<unknown>; edges: Variant[] } {
  const late = (styles: fc.Arbitrary<number>) => fc.tuple(fc.integer({ min: 120, max: 3600 }), styles).map(([offset, style]) => new LateTimestamp(offset, style));
  return {
    arb: late(fc.integer({ min: 0, max: TIMESTAMP_STYLES - 1 })),
    edges: [
      { label: `${where} with nanoseconds`, pointer, arb: late(fc.constant(2)) },
      { label: `${where} at offset +14:00`, pointer, arb: late(fc.constant(6)) },
      { label: `${where} in lower case`, pointer, arb: late(fc.constant(3)) },
    ],
  };
}

function emailGen(where: string, pointer: string, max: number): { arb: fc.Arbitrary<unknown>; edges: Variant[] } {
  const longest = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(Math.max(1, max - 64 - 1 - 63 - 1 - 63 - 1))}`;
  return {
    arb: emailAddress().filter((e) => e.length <= max),
    edges: [
      { label: `${where} of ${max} characters (its maximum)`, pointer, arb: fc.constant(longest.slice(0, max)) },
      { label: `${where} with a plus tag and subdomains`, pointer, arb: fc.constant("o'hara+test.tag@mail.sub.example.co.uk") },
    ],
  };
}

function uriGen(where: string, pointer: string, max: number, pattern: string | undefined): { arb: fc.Arbitrary<unknown>; edges: Variant[] } {
  const https = pattern?.startsWith('^https://') ?? false;
  const schemes = https ? ['https'] : ['https', 'http'];
  const base = `${schemes[0]}://hooks.example.com/`;
  return {
    arb: webUrl(schemes).filter((u) => u.length <= max),
    edges: [
      { label: `${where} of ${max} characters (its maximum)`, pointer, arb: fc.constant(`${base}${'a'.repeat(Math.max(0, max - base.length))}`) },
      {
        label: `${where} with an IP literal, a port, escapes, a query and a fragment`, pointer,
        arb: fc.constantFrom(`${schemes[0]}://[2001:db8::1]:8443/h%F0%9F%98%80?q=a%20b&x=1#frag`, `${schemes[0]}://192.0.2.1/`, `${schemes[0]}://xn--bcher-kva.example/hook`),
      },
    ],
  };
}

// fast-check's own webUrl() takes most of a second to build, emailAddress() milliseconds: both
// are built once, and URLs from a few small combinators.
let emails: fc.Arbitrary<string> | undefined;
function emailAddress(): fc.Arbitrary<string> {
  emails ??= fc.emailAddress();
  return emails;
}

const urls = new Map<string, fc.Arbitrary<string>>();
function webUrl(schemes: string[]): fc.Arbitrary<string> {
  const key = schemes.join();
  if (!urls.has(key)) {
    const chars = (set: string) => fc.constantFrom(...set);
    const alnum = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const label = fc.tuple(chars(alnum), fc.string({ unit: chars(`${alnum}-`), maxLength: 10 }), chars(alnum)).map(([a, b, c]) => `${a}${b}${c}`);
    const host = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('com', 'org', 'example', 'io', 'co.uk')).map(([labels, tld]) => `${labels.join('.')}.${tld}`) },
      { weight: 1, arbitrary: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.')) },
    );
    const port = fc.option(fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`), { nil: '' });
    const pchar = fc.oneof({ weight: 9, arbitrary: chars(`${alnum}ABCDEFGHIJKLMNOPQRSTUVWXYZ-._~!$&'()*+,;=:@`) }, { weight: 1, arbitrary: fc.nat(255).map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`) });
    const segment = fc.string({ unit: pchar, maxLength: 12 });
    const path = fc.array(segment, { maxLength: 4 }).map((segments) => segments.map((x) => `/${x}`).join(''));
    const query = fc.option(fc.string({ unit: pchar, maxLength: 16 }).map((q) => `?${q}`), { nil: '' });
    const fragment = fc.option(fc.string({ unit: pchar, maxLength: 8 }).map((f) => `#${f}`), { nil: '' });
    urls.set(key, fc.tuple(fc.constantFrom(...schemes), host, port, path, query, fragment).map(([scheme, h, p, pa, q, f]) => `${scheme}://${h}${p}${pa}${q}${f}`));
  }
  return urls.get(key)!;
}

const INVALID_FORMATS: Record<string, string[]> = {
  'date-time': ['2026-13-01T00:00:00Z', '2026-02-30T12:00:00Z', '2026-11-24T24:00:00Z', '2026-11-24T09:30:00', '2026-11-24', '24/11/2026 09:30', 'tomorrow', '2026-11-24T09:30:00.Z', '2026-11-24T09:30:00+25:00', '2026-11-24T09:61:00Z', ''],
  email: ['no-at-sign.example.com', 'two@@example.com', 'a b@example.com', 'ä@example.com', 'a@example..com', '.a@example.com', '@example.com', 'a@', 'a@-example.com', 'a@example.com\u00a0'],
  uri: ['https://exa mple.com/', 'https://example.com/%zz', 'https://ex<ample.com/', 'https://bücher.example/', 'https://example.com/\u0000', 'https://[::1/'],
};

function invalidFormat(format: string, ctx: CompileContext): fc.Arbitrary<unknown> {
  const known = INVALID_FORMATS[format] ?? ['%%%', ''];
  const garbage = fc.string({ unit: charArb('mixed', anything)!, minLength: 1, maxLength: 12 });
  const arb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: garbage });
  return ctx.location === 'header' ? arb.filter((v) => /^[\x21-\x7e]*$/.test(v)) : arb;
}

function omit(value: JsonObject, name: string): JsonObject {
  const copy = { ...value };
  delete copy[name];
  return copy;
}

function escape(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}
