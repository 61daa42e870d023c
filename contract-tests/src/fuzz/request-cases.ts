import fc from 'fast-check';
import type { ErrorObject } from 'ajv';
import type { Contract } from '../spec/contract.ts';
import type { Operation, ParameterSpec } from '../spec/operations.ts';
import type { JsonObject, SpecDocument } from '../spec/spec-document.ts';
import { codePoints } from './characters.ts';
import { compile, LateKeyName, LateTimestamp, writeTimestamp, type CompileContext, type Location, type NodeGen, type Variant } from './schema-arbitraries.ts';

/**
 * Requests for one operation, drawn from its parameters' and body's schemas: the parts a client
 * chooses (query and header parameters, the body) and, for the cases that break a constraint, the
 * path parameters too. A path parameter of a valid request names a real resource (created at send
 * time, as everywhere in the suite); a query parameter whose schema the responses also use (a
 * cursor) is a value the server issues, so a valid request leaves it out rather than invent one.
 */
export interface RequestDraft {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  header: Record<string, unknown>;
  /** The JSON body; `undefined` sends none. */
  body: unknown;
}

export interface CaseFamily {
  op: Operation;
  kind: 'valid' | 'edge' | 'invalid';
  label: string;
  /** Where the broken value is, and the keyword it breaks (invalid families). */
  location?: Location;
  keyword?: string;
  /** The broken value can take only this many values (a constant, a few kinds): fewer runs do. */
  distinct?: number;
  arb: fc.Arbitrary<RequestDraft>;
}

export interface FuzzContext {
  /** The run's key-name prefix (`herald-contract 1a2b3c4d `) and the key-creating operation. */
  keyNamePrefix: string;
  keyCreation: string;
}

type PartName = 'path' | 'query' | 'header' | 'body';

interface Part {
  arb: fc.Arbitrary<unknown>;
  edges: Variant[];
  sites: Array<Variant & { location: Location }>;
}

export function caseFamilies(op: Operation, contract: Contract, fuzz: FuzzContext): CaseFamily[] {
  const spec = contract.spec;
  const issued = issuedSchemas(spec);
  const parts: Record<PartName, Part> = {
    path: parametersPart(op.parameters.filter((p) => p.in === 'path'), 'path', spec, issued),
    query: parametersPart(op.parameters.filter((p) => p.in === 'query'), 'query', spec, issued),
    header: parametersPart(op.parameters.filter((p) => p.in === 'header'), 'header', spec, issued),
    body: bodyPart(op, spec, fuzz),
  };
  const draft = (replace?: { part: PartName; arb: fc.Arbitrary<unknown> }): fc.Arbitrary<RequestDraft> =>
    fc.record({
      path: replace?.part === 'path' ? replace.arb : parts.path.arb,
      query: replace?.part === 'query' ? replace.arb : parts.query.arb,
      header: replace?.part === 'header' ? replace.arb : parts.header.arb,
      body: replace?.part === 'body' ? replace.arb : parts.body.arb,
    }) as fc.Arbitrary<RequestDraft>;

  const families: CaseFamily[] = [];
  const hasInput = op.parameters.some((p) => p.in !== 'path' && p.in !== 'cookie') || op.requestBody !== undefined;
  if (hasInput) families.push({ op, kind: 'valid', label: 'input valid for the schemas', arb: draft() });
  for (const part of ['query', 'header', 'body'] as const) {
    for (const edge of parts[part].edges) families.push({ op, kind: 'edge', label: edge.label, arb: draft({ part, arb: edge.arb }) });
  }
  for (const part of ['path', 'query', 'header', 'body'] as const) {
    for (const site of parts[part].sites) {
      families.push({ op, kind: 'invalid', label: site.label, location: site.location, keyword: site.keyword, distinct: site.distinct, arb: draft({ part, arb: site.arb }) });
    }
  }
  return families;
}

function parametersPart(params: ParameterSpec[], location: Location, spec: SpecDocument, issued: Set<string>): Part {
  const ctx: CompileContext = { spec, location };
  const gens = params.map((param) => ({ param, gen: compile(spec.pointer(param.schemaPointer), '', ctx) }));
  const valid = (param: ParameterSpec, gen: NodeGen): fc.Arbitrary<unknown> => {
    if (location === 'path' || (param.schemaName && issued.has(param.schemaName))) return fc.constant(undefined);
    return param.required ? gen.arb : fc.option(gen.arb, { nil: undefined, freq: 2 });
  };
  const model = Object.fromEntries(gens.map(({ param, gen }) => [param.name, valid(param, gen)]));
  const arb = fc.record(model);
  const edges: Variant[] = [];
  const sites: Part['sites'] = [];
  for (const { param, gen } of gens) {
    const named = (label: string) => label.replace(/^the value/, `${location} parameter ${param.name}`);
    if (location !== 'path' && !(param.schemaName && issued.has(param.schemaName))) {
      for (const edge of gen.edges) edges.push({ ...edge, label: named(edge.label), arb: fc.record({ ...model, [param.name]: edge.arb }) });
    }
    for (const site of gen.sites) sites.push({ ...site, location, pointer: param.name, label: named(site.label), arb: fc.record({ ...model, [param.name]: site.arb }) });
    if (param.required && location !== 'path') {
      sites.push({ label: `without the required ${location} parameter ${param.name}`, location, pointer: param.name, keyword: 'required', arb: fc.record({ ...model, [param.name]: fc.constant(undefined) }) });
    }
  }
  return { arb, edges, sites };
}

function bodyPart(op: Operation, spec: SpecDocument, fuzz: FuzzContext): Part {
  const body = op.requestBody;
  if (!body?.jsonSchemaPointer) return { arb: fc.constant(undefined), edges: [], sites: [] };
  const ctx: CompileContext = {
    spec,
    location: 'body',
    // A key the suite creates is named for the run: the generated part of its name follows the prefix.
    override: (pointer, schema, compileDefault) => {
      if (op.id !== fuzz.keyCreation || pointer !== '/name' || schema.type !== 'string') return undefined;
      const own = compileDefault();
      const room = (typeof schema.maxLength === 'number' ? schema.maxLength : 100) - codePoints(fuzz.keyNamePrefix);
      const suffix = compile({ ...schema, minLength: 0, maxLength: room }, pointer, { spec, location: 'body' });
      return {
        arb: suffix.arb.map((s) => new LateKeyName(String(s))),
        edges: suffix.edges.map((edge) => ({ ...edge, arb: edge.arb.map((s) => new LateKeyName(String(s))) })),
        sites: own.sites,
      };
    },
  };
  const gen = compile(spec.pointer(body.jsonSchemaPointer), '', ctx);
  const arb = body.required ? gen.arb : fc.option(gen.arb, { nil: undefined, freq: 3 });
  const sites: Part['sites'] = gen.sites.map((site) => ({ ...site, location: 'body' as const }));
  if (body.required) sites.push({ label: 'without its required body', location: 'body', pointer: '', keyword: 'required', arb: fc.constant(undefined) });
  return { arb, edges: gen.edges, sites };
}

/** Schema components the success responses use: values of parameters of these kinds are issued by the server. */
function issuedSchemas(spec: SpecDocument): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown, depth: number) => {
    if (depth > 30 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    const ref = (node as JsonObject).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (names.has(name)) return;
      names.add(name);
      visit(spec.pointer(ref), depth + 1);
      return;
    }
    for (const value of Object.values(node)) visit(value, depth + 1);
  };
  for (const item of Object.values((spec.root.paths ?? {}) as JsonObject)) {
    for (const op of Object.values(spec.deref<JsonObject>(item))) {
      for (const [status, response] of Object.entries(((op as JsonObject)?.responses ?? {}) as JsonObject)) {
        if (/^2/.test(status)) visit(spec.deref<JsonObject>(response).content, 0);
      }
    }
  }
  return names;
}

// --- From a draft to what is sent, and the validator's view of it --------------------------------

export interface ResolvedCase {
  path: Record<string, string | undefined>;
  query: Record<string, string>;
  headers: Array<[string, string]>;
  body: unknown;
  /** Bytes of the JSON body, when there is one. */
  bodyBytes: number;
}

/** Writes late values (timestamps in the target's future, key names) as of `now`. */
export function resolveDraft(draft: RequestDraft, op: Operation, now: number, fuzz: FuzzContext): ResolvedCase {
  const late = (value: unknown): unknown => {
    if (value instanceof LateTimestamp) return writeTimestamp(now + value.offsetSeconds * 1000, value.style);
    if (value instanceof LateKeyName) return `${fuzz.keyNamePrefix}${value.suffix}`;
    if (Array.isArray(value)) return value.map(late);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, late(v)]));
    return value;
  };
  const text = (value: unknown) => (value === undefined ? undefined : String(late(value)));
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(draft.query)) if (value !== undefined) query[name] = text(value)!;
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(draft.header)) if (value !== undefined) headers.push([name, text(value)!]);
  const path: Record<string, string | undefined> = {};
  for (const param of op.parameters.filter((p) => p.in === 'path')) path[param.name] = text(draft.path[param.name]);
  const body = late(draft.body);
  return { path, query, headers, body, bodyBytes: body === undefined ? 0 : Buffer.byteLength(JSON.stringify(body)) };
}

export interface Issue {
  location: Location;
  keyword: string;
  where: string;
  message: string;
}

/** What the spec's validator finds wrong with a request (empty: valid). Path parameters left to real resources are valid. */
export function issuesOf(resolved: ResolvedCase, op: Operation, contract: Contract): Issue[] {
  const issues: Issue[] = [];
  const spec = contract.spec;
  const add = (location: Location, where: string, errors: ErrorObject[]) => {
    for (const e of errors) issues.push({ location, keyword: e.keyword, where: `${where}${e.instancePath}`, message: e.message ?? e.keyword });
  };
  for (const param of op.parameters) {
    if (param.in === 'cookie') continue;
    const value = param.in === 'path' ? resolved.path[param.name]
      : param.in === 'query' ? resolved.query[param.name]
        : resolved.headers.find(([name]) => name.toLowerCase() === param.name.toLowerCase())?.[1];
    if (value === undefined) {
      if (param.required && param.in !== 'path') issues.push({ location: param.in, keyword: 'required', where: param.name, message: 'is required' });
      continue;
    }
    const schema = spec.deref<JsonObject>(spec.pointer(param.schemaPointer));
    add(param.in, param.name, contract.validator.errors(param.schemaPointer, typed(value, schemaType(spec, schema))));
  }
  const body = op.requestBody;
  if (body?.jsonSchemaPointer) {
    if (resolved.body === undefined) {
      if (body.required) issues.push({ location: 'body', keyword: 'required', where: '(body)', message: 'a body is required' });
    } else {
      add('body', '', contract.validator.errors(body.jsonSchemaPointer, resolved.body));
    }
  }
  return issues;
}

/** Whether the case can travel as drawn: a header value HTTP carries unchanged, a path segment that stays one. */
export function sendable(resolved: ResolvedCase): boolean {
  for (const [, value] of resolved.headers) {
    if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value) || value.trim() !== value) return false;
  }
  for (const value of Object.values(resolved.path)) {
    if (value !== undefined && (value === '' || /^\.{1,2}$/.test(value))) return false;
  }
  return true;
}

function schemaType(spec: SpecDocument, schema: JsonObject): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  for (const part of (schema.allOf ?? []) as unknown[]) {
    const type = schemaType(spec, spec.deref<JsonObject>(part));
    if (type) return type;
  }
  return undefined;
}

/** A parameter's text read as its schema's type (the `simple`/`form` styles); unclear text stays text. */
function typed(text: string, type: string | undefined): unknown {
  if (type === 'integer') return /^-?\d+$/.test(text) ? Number(text) : text;
  if (type === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}
