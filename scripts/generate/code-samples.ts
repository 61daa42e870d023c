// Code samples for one operation, written from the spec alone: its method and path, the
// example of each path parameter, of each other parameter that documents one, and the first
// example of its request body. The same text is written to generated/samples/ (where tsc
// type-checks the TypeScript ones) and injected into the bundle as `x-codeSamples` (where the
// docs show it), so a sample that stops compiling fails `npm run typecheck`.
import { AUTH_SCHEMES, credentialHeader, type AuthScheme, type SecuritySchemes } from '../../client/credentials.ts';
import { DEFAULTS } from '../../client/defaults.ts';
import { idempotencyKey, paginatedOperations } from './contract-facts.ts';
import {
  isObject,
  jsonRequestBody,
  resolve,
  listOperations,
  parameterExample,
  responseHasContent,
  successStatus,
  type JsonObject,
  type Operation,
} from './openapi-document.ts';
import { TsExpression, tsLiteral, tsString } from './ts-literal.ts';

/** Where samples live, relative to the output root. */
export const SAMPLES_DIR = 'generated/samples';

/** Samples import what an application installs: the client package and its SDK subpath. */
const CLIENT_PACKAGE = '@herald/client';
const SDK_ENTRY = `${CLIENT_PACKAGE}/sdk`;

/** The form of the key every sample uses; the curl one names the others in a comment. */
const SAMPLE_AUTH_SCHEME: AuthScheme = 'Bearer';
const OTHER_AUTH_SCHEMES = AUTH_SCHEMES.filter((form) => form !== SAMPLE_AUTH_SCHEME);
const API_KEY_ENV = 'HERALD_API_KEY';
const BASE_URL_ENV = 'HERALD_BASE_URL';

/**
 * The Idempotency-Key's value must be new for every request, so a sample mints one rather than
 * copying the spec's example: two samples sharing the example would collide
 * (`idempotency_key_reused`) or replay each other. The example still documents the shape.
 */
const FRESH_TS = new TsExpression('crypto.randomUUID()');
// /proc on Linux, uuidgen on macOS: no extra tool to install either way.
const FRESH_SHELL = '$(cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen)';

export interface CodeSample {
  /** File name suffix under SAMPLES_DIR, after the operationId. */
  suffix: string;
  /** `x-codeSamples` fields. */
  lang: string;
  label: string;
  source: string;
}

interface SampleRequest {
  operation: Operation;
  baseUrl: string;
  pathParams: [string, unknown][];
  queryParams: [string, unknown][];
  headerParams: [string, unknown][];
  body: { mediaType: string; value: unknown } | undefined;
  returnsBody: boolean;
  /** The Idempotency-Key header when the operation takes one: the clients make it themselves. */
  idempotencyHeader: string | undefined;
  /** The query parameter of the cursor when the operation is cursor-paginated: the clients page with `paginate`. */
  cursorParam: string | undefined;
  /** Whether the success body wraps its payload in `data` (every body but the partner program's). */
  wrapsData: boolean;
  /** `security: []`: the operation takes no API key (the leaked-key report, signed instead). */
  keyless: boolean;
}

export function codeSamplesFor(document: JsonObject, operation: Operation): CodeSample[] {
  const request = sampleRequest(document, operation);
  const schemes = ((document.components as JsonObject | undefined)?.securitySchemes ?? {}) as SecuritySchemes;
  return [
    { suffix: '.curl.sh', lang: 'Shell', label: 'curl', source: curlSample(request, schemes) },
    { suffix: '.openapi-fetch.ts', lang: 'TypeScript', label: 'openapi-fetch', source: openapiFetchSample(request) },
    { suffix: '.hey-api.ts', lang: 'TypeScript', label: 'hey-api SDK', source: heyApiSample(request) },
  ];
}

function sampleRequest(document: JsonObject, operation: Operation): SampleRequest {
  const servers = (document.servers ?? []) as JsonObject[];
  const baseUrl = String(servers[0]?.url ?? '');
  if (!/^https:\/\/[^{}]+$/.test(baseUrl)) throw new Error(`The first server URL must be a plain https URL, got ${baseUrl}`);

  const pick = (location: string): [string, unknown][] =>
    operation.parameters
      .filter((parameter) => parameter.in === location)
      .flatMap((parameter): [string, unknown][] => {
        const example = parameterExample(document, parameter);
        if (example.found) return [[parameter.name, example.value]];
        if (parameter.required) {
          throw new Error(`${operation.operationId}: required parameter ${parameter.name} has no example`);
        }
        return [];
      });

  const requestBody = jsonRequestBody(document, operation);
  if (requestBody?.required && requestBody.examples.length === 0) {
    throw new Error(`${operation.operationId}: its required request body has no example`);
  }
  const firstExample = requestBody?.examples[0];
  const operations = listOperations(document);
  const key = idempotencyKey(document, operations);
  const takesKey = key.operations.includes(`${operation.method.toUpperCase()} ${operation.path}`);
  return {
    operation,
    baseUrl,
    pathParams: pick('path'),
    queryParams: pick('query'),
    headerParams: pick('header').map(([name, value]) => [name, name.toLowerCase() === key.header.toLowerCase() ? FRESH_TS : value]),
    body: requestBody && firstExample ? { mediaType: requestBody.mediaType, value: firstExample.value } : undefined,
    returnsBody: responseHasContent(document, operation, successStatus(operation)),
    idempotencyHeader: takesKey ? key.header : undefined,
    cursorParam: operation.method === 'get' ? paginatedOperations(document, operations)[operation.path]?.cursor : undefined,
    wrapsData: successWrapsData(document, operation),
    keyless: Array.isArray(operation.object.security) && operation.object.security.length === 0,
  };
}

function successWrapsData(document: JsonObject, operation: Operation): boolean {
  const response = resolve(document, ((operation.object.responses ?? {}) as JsonObject)[successStatus(operation)]);
  const media = isObject(response.content) ? resolve(document, Object.values(response.content)[0]) : undefined;
  const schema = media?.schema === undefined ? undefined : resolve(document, media.schema);
  return schema === undefined || (isObject(schema.properties) && 'data' in schema.properties);
}

/** The comment of every sample of an operation without a key. */
const KEYLESS_NOTE = 'No API key: the request is authenticated by its own signature (see the description).';

function title(request: SampleRequest): string {
  return `${request.operation.summary} (${request.operation.method.toUpperCase()} ${request.operation.path})`;
}

// ---------------------------------------------------------------------------------- curl --

function curlSample(request: SampleRequest, schemes: SecuritySchemes): string {
  const { operation } = request;
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = request.pathParams.find(([n]) => n === name);
    if (!param) throw new Error(`${operation.operationId}: no example for path parameter ${name}`);
    return encodeURIComponent(String(param[1]));
  });
  const query = request.queryParams
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
  const url = `\${${BASE_URL_ENV}:-${request.baseUrl}}${path}${query ? `?${query}` : ''}`;

  const credential = credentialHeader(schemes, SAMPLE_AUTH_SCHEME, `$${API_KEY_ENV}`);
  const others = OTHER_AUTH_SCHEMES
    .map((form) => credentialHeader(schemes, form, '…'))
    .map((header) => `\`${header.name}: ${header.value}\``);

  const args: string[] = [];
  const method = operation.method === 'get' ? '' : `--request ${operation.method.toUpperCase()} `;
  args.push(`${method}${doubleQuoted(url, true)}`);
  if (!request.keyless) args.push(`--header ${doubleQuoted(`${credential.name}: ${credential.value}`, true)}`);
  const setup: string[] = [];
  for (const [name, value] of request.headerParams) {
    if (value instanceof TsExpression) {
      const variable = name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
      setup.push(`# A new ${name} for each request; send the same one again only to retry this request.`, `${variable}="${FRESH_SHELL}"`);
      args.push(`--header "${name}: $${variable}"`);
    } else args.push(`--header ${singleQuoted(`${name}: ${String(value)}`)}`);
  }
  if (request.body) {
    args.push(`--header ${singleQuoted(`Content-Type: ${request.body.mediaType}`)}`);
    args.push(`--data ${singleQuoted(JSON.stringify(request.body.value, null, 2))}`);
  }
  return [
    `# ${title(request)}`,
    ...(request.keyless ? [`# ${KEYLESS_NOTE}`] : [`# The key can also go in ${others.join(' or in ')};`, '# send it in exactly one header.']),
    ...setup,
    `curl ${args.join(' \\\n  ')}`,
    '',
  ].join('\n');
}

/** A double-quoted shell word; `$` stays live only when asked (for the env variables). */
function doubleQuoted(text: string, expand: boolean): string {
  const escaped = text.replace(expand ? /["\\`]/g : /["\\`$]/g, (c) => `\\${c}`);
  return `"${escaped}"`;
}

function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

// ------------------------------------------------------------------------- TypeScript --

function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** The closing lines of a TypeScript sample: the call, then its error or its result printed. */
function callAndPrint(request: SampleRequest, call: string): string[] {
  return [
    ...(request.idempotencyHeader ? [`// The client sends an ${request.idempotencyHeader} of its own making, the same on each retry of this call.`] : []),
    `const ${request.returnsBody ? '{ data, error, response }' : '{ error, response }'} = await ${call};`,
    'if (error) throw error; // a HeraldApiError: error.code (switch on it), error.detail, error.requestId, error.retryAfter',
    request.returnsBody ? (request.wrapsData ? 'console.log(data.data);' : 'console.log(data);') : 'console.log(response.status);',
    '',
  ];
}

/**
 * The TypeScript samples of an operation without a key: the plain clients underneath ours
 * (`createHeraldClient` and `createHeraldSdkClient` exist to send a key), typed from the spec.
 */
function keylessSample(request: SampleRequest, flavour: 'openapi-fetch' | 'hey-api'): string {
  const { operation } = request;
  const print = [
    'if (error) throw new Error(`${response.status} ${error.code}: ${error.detail}`);',
    request.returnsBody ? (request.wrapsData ? 'console.log(data.data);' : 'console.log(data);') : 'console.log(response.status);',
    '',
  ];
  const result = request.returnsBody ? '{ data, error, response }' : '{ error, response }';
  if (flavour === 'openapi-fetch') {
    const init: string[] = [];
    if (request.headerParams.length) init.push(`params: ${tsLiteral({ header: objectOf(request.headerParams) }, '  ')}`);
    if (request.body) init.push(`body: ${tsLiteral(request.body.value, '  ')}`);
    return [
      `// ${title(request)}`,
      `// ${KEYLESS_NOTE}`,
      "import createClient from 'openapi-fetch';",
      `import type { paths } from ${tsString(CLIENT_PACKAGE)};`,
      '',
      `const herald = createClient<paths>({ baseUrl: ${baseUrlExpression(request)} });`,
      '',
      `const ${result} = await herald.${operation.method.toUpperCase()}(${tsString(operation.path)}, {\n${init.map((line) => `  ${line},`).join('\n')}\n});`,
      ...print,
    ].join('\n');
  }
  const options: string[] = [];
  if (request.headerParams.length) options.push(`headers: ${tsLiteral(objectOf(request.headerParams), '  ')}`);
  if (request.body) options.push(`body: ${tsLiteral(request.body.value, '  ')}`);
  return [
    `// ${title(request)}`,
    `// ${KEYLESS_NOTE}`,
    `import { client, ${operation.operationId} } from ${tsString(SDK_ENTRY)};`,
    '',
    `client.setConfig({ baseUrl: ${baseUrlExpression(request)} });`,
    '',
    `const ${result} = await ${operation.operationId}({\n${options.map((line) => `  ${line},`).join('\n')}\n});`,
    ...print,
  ].join('\n');
}

/** The closing lines of a sample for a cursor-paginated operation: every item, page after page. */
function paginateAndPrint(request: SampleRequest): string[] {
  const query = request.queryParams.filter(([name]) => name !== request.cursorParam);
  return [
    `// Every item, page after page: the client passes each page's cursor back as \`${request.cursorParam}\`.`,
    'const items = [];',
    `for await (const item of herald.paginate(${tsString(request.operation.path)}${query.length ? `, ${tsLiteral(objectOf(query), '')}` : ''})) items.push(item);`,
    'console.log(items);',
    '',
  ];
}

function baseUrlExpression(request: SampleRequest): string {
  return `process.env.${BASE_URL_ENV} ?? ${tsString(request.baseUrl)}`;
}

/** The options both clients take, as a sample writes them: the defaults, said out loud. */
function clientOptions(request: SampleRequest): string[] {
  return [
    `  baseUrl: ${baseUrlExpression(request)},`,
    `  apiKey: process.env.${API_KEY_ENV},`,
    `  scheme: ${tsString(SAMPLE_AUTH_SCHEME)}, // or ${OTHER_AUTH_SCHEMES.map(tsString).join(', or ')}`,
    `  maxRetries: ${DEFAULTS.maxRetries}, // on 429, 5xx and network failures, only where a retry cannot act twice`,
    `  timeoutMs: ${DEFAULTS.timeoutMs}, // per attempt`,
  ];
}

/** The header parameters a TypeScript sample passes: the clients make the Idempotency-Key. */
function ownHeaders(request: SampleRequest): [string, unknown][] {
  return request.headerParams.filter(([name]) => name !== request.idempotencyHeader);
}

function openapiFetchSample(request: SampleRequest): string {
  if (request.keyless) return keylessSample(request, 'openapi-fetch');
  const { operation } = request;
  const params: Record<string, unknown> = {};
  if (request.pathParams.length) params.path = objectOf(request.pathParams);
  if (request.queryParams.length) params.query = objectOf(request.queryParams);
  if (ownHeaders(request).length) params.header = objectOf(ownHeaders(request));
  const init: string[] = [];
  if (Object.keys(params).length) init.push(`params: ${tsLiteral(params, '  ')}`);
  if (request.body) init.push(`body: ${tsLiteral(request.body.value, '  ')}`);
  const call = `herald.${operation.method.toUpperCase()}(${tsString(operation.path)}${
    init.length ? `, {\n${init.map((line) => `  ${line},`).join('\n')}\n}` : ''
  })`;
  return [
    `// ${title(request)}`,
    `import { createHeraldClient } from ${tsString(CLIENT_PACKAGE)};`,
    '',
    'const herald = createHeraldClient({',
    ...clientOptions(request),
    '});',
    '',
    ...(request.cursorParam ? paginateAndPrint(request) : callAndPrint(request, call)),
  ].join('\n');
}

function heyApiSample(request: SampleRequest): string {
  if (request.keyless) return keylessSample(request, 'hey-api');
  const { operation } = request;
  const options: string[] = ['client: herald'];
  if (request.pathParams.length) options.push(`path: ${tsLiteral(objectOf(request.pathParams), '  ')}`);
  if (request.queryParams.length) options.push(`query: ${tsLiteral(objectOf(request.queryParams), '  ')}`);
  if (ownHeaders(request).length) options.push(`headers: ${tsLiteral(objectOf(ownHeaders(request)), '  ')}`);
  if (request.body) options.push(`body: ${tsLiteral(request.body.value, '  ')}`);
  const call = `${operation.operationId}({\n${options.map((line) => `  ${line},`).join('\n')}\n})`;
  return [
    `// ${title(request)}`,
    `import { createHeraldSdkClient${request.cursorParam ? '' : `, ${operation.operationId}`} } from ${tsString(SDK_ENTRY)};`,
    '',
    'const herald = createHeraldSdkClient({',
    ...clientOptions(request),
    '});',
    '',
    ...(request.cursorParam ? paginateAndPrint(request) : callAndPrint(request, call)),
  ].join('\n');
}
