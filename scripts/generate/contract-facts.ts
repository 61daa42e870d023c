// generated/contract-facts.ts: the facts of the contract that code needs at run time and the
// generated types cannot carry (types vanish when compiled). The client reads them from here
// rather than loading the whole bundled document, so that it ships a few hundred bytes of
// contract instead of the 140 kB spec.
//
// Each fact is found by what the spec says, not by restating it. Where a concept has to be
// recognised first, the anchor is a component name (the same ones the reference server reads):
// `IdempotencyKey` (the parameter, or the schema of an inline parameter), `Cursor` (the schema of
// the cursor query parameter and of the next cursor), `ValidationIssue`, and the header
// components below. Problem codes need no name: they are the enum of the discriminator property
// of the schemas every `application/problem+json` response uses.
import { isObject, listOperations, resolve, successStatus, type JsonObject, type Operation } from './openapi-document.ts';

export const CONTRACT_FACTS_FILE = 'generated/contract-facts.ts';

/** The fields of a security scheme the client reads to put the key in a header. */
const SECURITY_SCHEME_FIELDS = ['type', 'in', 'name', 'scheme', 'x-herald-authorization-scheme'];

const IDEMPOTENCY_KEY = 'IdempotencyKey';
const CURSOR_SCHEMA = '#/components/schemas/Cursor';
const VALIDATION_ISSUE_SCHEMA = '#/components/schemas/ValidationIssue';
/** RFC 9457's media type: the content type of every Herald error body. */
const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The response headers the client reads: its name for each → the spec's header component. */
const RESPONSE_HEADER_COMPONENTS = {
  requestId: 'XRequestId',
  retryAfter: 'RetryAfter',
  rateLimitPolicy: 'RateLimitPolicy',
  rateLimit: 'RateLimit',
  rateLimitLimit: 'XRateLimitLimit',
  rateLimitRemaining: 'XRateLimitRemaining',
  rateLimitReset: 'XRateLimitReset',
} as const;

/** What each fact is, as its doc comment in the generated file says. */
const FACT_DOCS = {
  specVersion: '`info.version`: the version of the contract (and of the packages built from it).',
  securitySchemes: '`components.securitySchemes`: how each accepted form carries the key.',
  problemCodes:
    "The closed list of problem codes: the enum of the discriminator of every `application/problem+json` body, in the\n * spec's order; `member` is the property that carries the code.",
  validationIssues: 'The problem whose body lists validation issues, and the member that holds them.',
  idempotencyKey: 'The header that makes a retry safe, and the operations (`METHOD /path`) that take it.',
  paginatedOperations:
    'Cursor-paginated operations by path (all `GET`): the query parameter that takes the cursor, the member of the\n * page with the next one (`null` on the last page), and the member with the items.',
  responseHeaders: "Response headers, under the names the spec's responses send them.",
} as const;

export type ContractFacts = Record<keyof typeof FACT_DOCS, unknown>;

/** The facts, read from a bundled document; throws when the spec no longer says one of them. */
export function contractFacts(document: JsonObject): ContractFacts {
  const operations = listOperations(document);
  return {
    specVersion: (document.info as JsonObject).version,
    securitySchemes: securitySchemes(document),
    problemCodes: problemCodes(document, operations),
    validationIssues: validationIssues(document),
    idempotencyKey: idempotencyKey(document, operations),
    paginatedOperations: paginatedOperations(document, operations),
    responseHeaders: responseHeaders(document, operations),
  };
}

export function contractFactsSource(document: JsonObject): string {
  const facts = contractFacts(document);
  return `// This file is written by \`npm run generate\` from the spec in openapi/. Never edit it by hand.
// Facts of the contract that code needs at run time, where the generated types cannot reach.
${Object.entries(FACT_DOCS).map(([name, doc]) => `\n/** ${doc} */\nexport const ${name} = ${JSON.stringify(facts[name as keyof ContractFacts], null, 2)} as const;\n`).join('')}`;
}

function securitySchemes(document: JsonObject): JsonObject {
  const schemes = ((document.components as JsonObject | undefined)?.securitySchemes ?? {}) as Record<string, JsonObject>;
  return Object.fromEntries(Object.entries(schemes).map(([name, raw]) => {
    const scheme = resolve(document, raw);
    return [name, Object.fromEntries(SECURITY_SCHEME_FIELDS.filter((field) => scheme[field] !== undefined).map((field) => [field, scheme[field]]))];
  }));
}

/** Every response object of the document: the components' and each operation's. */
function allResponses(document: JsonObject, operations: Operation[]): JsonObject[] {
  const components = Object.values(((document.components as JsonObject | undefined)?.responses ?? {}) as JsonObject);
  const own = operations.flatMap((operation) => Object.values((operation.object.responses ?? {}) as JsonObject));
  return [...components, ...own].map((response) => resolve(document, response));
}

/** The schemas a schema is made of through `oneOf`/`anyOf`/`allOf`, itself included, resolved. */
function schemaParts(document: JsonObject, raw: unknown, seen = new Set<unknown>()): JsonObject[] {
  const schema = resolve(document, raw);
  if (seen.has(schema)) return [];
  seen.add(schema);
  const nested = ['oneOf', 'anyOf', 'allOf'].flatMap((key) => (Array.isArray(schema[key]) ? schema[key] as unknown[] : []));
  return [schema, ...nested.flatMap((part) => schemaParts(document, part, seen))];
}

function problemCodes(document: JsonObject, operations: Operation[]): { member: string; codes: string[] } {
  const found = new Map<string, string[]>();
  for (const response of allResponses(document, operations)) {
    const media = (response.content as JsonObject | undefined)?.[PROBLEM_MEDIA_TYPE];
    if (!isObject(media)) continue;
    for (const part of schemaParts(document, media.schema)) {
      const discriminator = part.discriminator as JsonObject | undefined;
      if (!discriminator) continue;
      const member = String(discriminator.propertyName);
      const property = resolve(document, (part.properties as JsonObject | undefined)?.[member]);
      if (!Array.isArray(property.enum)) throw new Error(`The problem discriminator ${member} is not an enum`);
      found.set(member, property.enum.map(String));
    }
  }
  if (found.size !== 1) throw new Error(`Expected one discriminated problem schema behind ${PROBLEM_MEDIA_TYPE}, found ${found.size}`);
  const [[member, codes]] = [...found];
  return { member, codes };
}

function validationIssues(document: JsonObject): { code: string; member: string } {
  const found: Array<{ code: string; member: string }> = [];
  for (const raw of Object.values(((document.components as JsonObject).schemas ?? {}) as JsonObject)) {
    const parts = schemaParts(document, raw);
    const code = parts.map((part) => (part.properties as JsonObject | undefined)?.code).find((c) => isObject(c) && 'const' in c) as JsonObject | undefined;
    if (!code) continue;
    for (const part of parts) {
      for (const [member, property] of Object.entries((part.properties ?? {}) as JsonObject)) {
        const items = isObject(property) ? (property.items as JsonObject | undefined) : undefined;
        if (items?.$ref === VALIDATION_ISSUE_SCHEMA) found.push({ code: String(code.const), member });
      }
    }
  }
  if (found.length !== 1) throw new Error(`Expected one problem listing ${VALIDATION_ISSUE_SCHEMA} items, found ${found.length}`);
  return found[0];
}

export function idempotencyKey(document: JsonObject, operations: Operation[]): { header: string; operations: string[] } {
  const names = new Set<string>();
  const taking: string[] = [];
  for (const operation of operations) {
    const raw = [
      ...((resolve(document, ((document.paths as JsonObject)[operation.path])).parameters ?? []) as unknown[]),
      ...((operation.object.parameters ?? []) as unknown[]),
    ];
    const parameter = raw.find((p) => {
      const ref = isObject(p) ? p.$ref : undefined;
      const schemaRef = (resolve(document, p).schema as JsonObject | undefined)?.$ref;
      return ref === `#/components/parameters/${IDEMPOTENCY_KEY}` || schemaRef === `#/components/schemas/${IDEMPOTENCY_KEY}`;
    });
    if (!parameter) continue;
    const resolved = resolve(document, parameter);
    if (resolved.in !== 'header') throw new Error(`${operation.operationId}: ${IDEMPOTENCY_KEY} must be a header`);
    names.add(String(resolved.name));
    taking.push(`${operation.method.toUpperCase()} ${operation.path}`);
  }
  if (names.size !== 1) throw new Error(`Expected the ${IDEMPOTENCY_KEY} header under one name, found ${names.size}`);
  return { header: [...names][0], operations: taking };
}

function refersTo(document: JsonObject, raw: unknown, ref: string): boolean {
  if (isObject(raw) && raw.$ref === ref) return true;
  const schema = resolve(document, raw);
  return ['oneOf', 'anyOf'].some((key) => Array.isArray(schema[key]) && (schema[key] as unknown[]).some((part) => isObject(part) && part.$ref === ref));
}

export function paginatedOperations(document: JsonObject, operations: Operation[]): Record<string, { cursor: string; nextCursor: string; items: string }> {
  const paginated: Record<string, { cursor: string; nextCursor: string; items: string }> = {};
  for (const operation of operations) {
    const cursor = operation.parameters.find((p) => p.in === 'query' && refersTo(document, p.schema, CURSOR_SCHEMA));
    if (!cursor) continue;
    // `paginate` takes a path and a query: a list under a resource (an endpoint's deliveries, with
    // a path parameter) is paged through by hand with `cursor`.
    if (operation.parameters.some((p) => p.in === 'path')) continue;
    if (operation.method !== 'get') throw new Error(`${operation.operationId}: only GET operations can be paged through`);
    const response = resolve(document, (operation.object.responses as JsonObject)[successStatus(operation)]);
    const media = Object.entries((response.content ?? {}) as JsonObject).find(([type]) => type === 'application/json' || type.endsWith('+json'));
    if (!media) throw new Error(`${operation.operationId}: a paginated operation must answer JSON`);
    const properties = Object.entries((resolve(document, (media[1] as JsonObject).schema).properties ?? {}) as JsonObject);
    const nextCursor = properties.filter(([, schema]) => refersTo(document, schema, CURSOR_SCHEMA)).map(([name]) => name);
    const items = properties.filter(([, schema]) => resolve(document, schema).type === 'array').map(([name]) => name);
    if (nextCursor.length !== 1 || items.length !== 1) {
      throw new Error(`${operation.operationId}: a page needs exactly one next-cursor member and one array of items`);
    }
    paginated[operation.path] = { cursor: cursor.name, nextCursor: nextCursor[0], items: items[0] };
  }
  return paginated;
}

function responseHeaders(document: JsonObject, operations: Operation[]): Record<string, string> {
  const sentAs = new Map<string, string>();
  for (const response of allResponses(document, operations)) {
    for (const [name, header] of Object.entries((response.headers ?? {}) as JsonObject)) {
      const ref = isObject(header) ? header.$ref : undefined;
      if (typeof ref === 'string' && ref.startsWith('#/components/headers/')) sentAs.set(ref.slice('#/components/headers/'.length), name);
    }
  }
  return Object.fromEntries(Object.entries(RESPONSE_HEADER_COMPONENTS).map(([fact, component]) => {
    const name = sentAs.get(component);
    if (!name) throw new Error(`No response of the spec sends the header component ${component}`);
    return [fact, name];
  }));
}
